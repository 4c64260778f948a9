package main

import "strings"

func main() {
	a := strings.ToUpper("a")
	//orchestrion:ignore
	b := strings.ToUpper("b")
	println(a, b)
}
