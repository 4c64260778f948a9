//line input.go:1:1
package main

import (
	"io"
	"strings"
)

func main() {
	ws := []io.Writer{&strings.Builder{}}
	_ = io.MultiWriter(/*line <generated>:1:1*/func(__weft_s ...io.Writer) []io.Writer { return append(__weft_s[:len(__weft_s):len(__weft_s)], nil) }(/*line input.go:10:21*/ws/*line <generated>:1:1*/...).../*line input.go:10:26*/)
}
