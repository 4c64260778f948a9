//line input.go:1:1
package main

import "strings"
/*line <generated>:1:1*/import __weft_strings "strings"
/*line input.go:3:17*/

func run(bs ...*strings.Builder) int { return len(bs) }

func main() {
	xs := []*strings.Builder{{}}
	println(run(/*line <generated>:1:1*/func(__weft_s ...*__weft_strings.Builder) []*__weft_strings.Builder { return append(__weft_s[:len(__weft_s):len(__weft_s)], nil) }(/*line input.go:9:14*/xs/*line <generated>:1:1*/...).../*line input.go:9:19*/))
}
