//line input.go:1:1
package main

import (
	"fmt"
	"strings"
)

func main() {
	fmt.Println(/*line <generated>:1:1*/strings.ToLower(/*line input.go:9:30*/"Weft"/*line <generated>:1:1*/)/*line input.go:9:37*/)
}
