//line input.go:1:1
package main

import "strings"

func main() {
	a := /*line <generated>:1:1*/strings.TrimSpace(/*line input.go:6:7*/strings.ToUpper("a")/*line <generated>:1:1*/)/*line input.go:6:27*/
	//orchestrion:ignore
	b := strings.ToUpper("b")
	println(a, b)
}
