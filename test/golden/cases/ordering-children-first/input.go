package main

import "strings"

func main() {
	f := func() string { return strings.ToUpper("x") }
	println(f())
}
