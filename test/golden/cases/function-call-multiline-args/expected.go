//line input.go:1:1
package main

import "fmt"
/*line <generated>:1:1*/import __weft_strings "strings"
/*line input.go:3:13*/

func main() {
	s := /*line <generated>:1:1*/__weft_strings.ToUpper(/*line input.go:6:7*/fmt.Sprintf("%s-%d",
		"a",
		1,
	)/*line <generated>:1:1*/)/*line input.go:9:3*/
	println(s)
}
