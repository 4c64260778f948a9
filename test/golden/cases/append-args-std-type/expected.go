//line input.go:1:1
package main

import (
	"io"
	"strings"
)
/*line <generated>:1:1*/import __weft_io "io"
/*line input.go:6:2*/

func main() {
	ws := []io.Writer{&strings.Builder{}}
	_ = io.MultiWriter(/*line <generated>:1:1*/func(__weft_s ...__weft_io.Writer) []__weft_io.Writer { return append(__weft_s[:len(__weft_s):len(__weft_s)], nil) }(/*line input.go:10:21*/ws/*line <generated>:1:1*/...).../*line input.go:10:26*/)
}
