//line input.go:1:1
package main

import "strings"

//dd:ignore
func quiet() string {
	return strings.ToUpper("q") + func() string { return strings.ToUpper("r") }()
}

func main() {
	println(quiet(), /*line <generated>:1:1*/strings.TrimSpace(/*line input.go:11:19*/strings.ToUpper("loud")/*line <generated>:1:1*/)/*line input.go:11:42*/)
}
