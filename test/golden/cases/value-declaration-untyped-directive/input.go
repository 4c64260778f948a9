package main

// The directive sits above the declaration, the spec inherits it.
//
//orchestrion:enabled
var enabled = false

//orchestrion:version
const Version = ""

//dd:orchestrion-enabled
var (
	legacy = false
)

// A typed spec of another type is not a value declaration of bool.
//
//orchestrion:enabled
var count int

// No directive: untouched.
var plain = false

func main() { _, _, _, _, _ = enabled, Version, legacy, count, plain }
