//line input.go:1:1
package main

import "path"

func withTrace() string { return "trace" }

func main() {
	println(path.Join("a"/*line <generated>:1:1*/, withTrace(), "z"/*line input.go:8:23*/))
	println(path.Join("b", "c"/*line <generated>:1:1*/, withTrace(), "z"/*line input.go:9:28*/))
}
