//line input.go:1:1
package main

import "strings"

func main() {
	b := &strings.Builder{}
	_, _ = /*line <generated>:1:1*/(/*line input.go:7:9*/b.WriteString("x")/*line <generated>:1:1*/)/*line input.go:7:27*/
	var c strings.Builder
	_, _ = /*line <generated>:1:1*/(/*line input.go:9:9*/c.WriteString("y")/*line <generated>:1:1*/)/*line input.go:9:27*/
	println(b.String(), c.String())
}
