//line input.go:1:1
package main

import (
	"fmt"
	"strings"
)
/*line <generated>:1:1*/import __weft_strings "strings"
/*line input.go:6:2*/

func join(strings []string) string { return fmt.Sprint(strings) }

func main() {
	fmt.Println(/*line <generated>:1:1*/__weft_strings.ToLower(/*line input.go:11:14*/strings.ToUpper("Weft")/*line <generated>:1:1*/)/*line input.go:11:37*/, join(nil))
}
