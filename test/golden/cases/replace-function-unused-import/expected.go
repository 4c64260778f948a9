//line input.go:1:1
package main

import (
	/*line input.go:4:10*/
	/*line input.go:5:10*/
	/*line input.go:6:11*/
	"strings"
)
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:8:2*/

var errBoom = /*line <generated>:1:1*/__weft_fmt.Errorf/*line input.go:10:25*/("boom")

func label(n int) string { return strings.ToUpper(/*line <generated>:1:1*/"n"/*line input.go:12:66*/) }

func main() {
	/*line <generated>:1:1*/__weft_fmt.Println/*line input.go:15:12*/(label(1), errBoom)
	var _ strings.Builder
}
