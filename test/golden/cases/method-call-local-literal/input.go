package main

import "strings"

func main() {
	b := &strings.Builder{}
	_, _ = b.WriteString("x")
	var c strings.Builder
	_, _ = c.WriteString("y")
	println(b.String(), c.String())
}
