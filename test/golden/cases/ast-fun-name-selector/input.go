package main

import "strings"

func main() {
	var b strings.Builder
	b.WriteString("b")
	println(strings.ToUpper("a"), b.String())
}
