//line input.go:1:1
package main

/*line input.go:3:17*/

import (
	_ "embed"
	/*line input.go:7:10*/
	"strings"
)
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:9:2*/

func atoi(s string) (int, error) { return len(s), nil }

func main() {
	n, err := /*line <generated>:1:1*/atoi/*line input.go:14:24*/("12")
	/*line <generated>:1:1*/__weft_fmt.Println/*line input.go:15:12*/(n, err)
	println(/*line <generated>:1:1*/"A"/*line input.go:16:30*/, strings.ToLower("B"))
}
