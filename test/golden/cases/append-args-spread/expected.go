//line input.go:1:1
package main

import "path"

func main() {
	base := []string{"a", "b"}
	println(path.Join(/*line <generated>:1:1*/func(__weft_s ...string) []string { return append(__weft_s[:len(__weft_s):len(__weft_s)], "z") }(/*line input.go:7:20*/base/*line <generated>:1:1*/...).../*line input.go:7:27*/))
}
