//line input.go:1:1
package main

// The directive sits above the declaration, the spec inherits it.
//
//orchestrion:enabled
var enabled = /*line <generated>:1:1*/true/*line input.go:6:20*/

//orchestrion:version
const Version = /*line <generated>:1:1*/"v-test"/*line input.go:9:19*/

//dd:orchestrion-enabled
var (
	legacy = /*line <generated>:1:1*/true/*line input.go:13:16*/
)

// A typed spec of another type is not a value declaration of bool.
//
//orchestrion:enabled
var count int

// No directive: untouched.
var plain = false

func main() { _, _, _, _, _ = enabled, Version, legacy, count, plain }
