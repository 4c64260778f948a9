package main

import "path"

func withTrace() string { return "trace" }

func main() {
	println(path.Join("a"))
	println(path.Join("b", "c"))
}
