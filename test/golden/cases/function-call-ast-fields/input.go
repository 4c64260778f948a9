package main

import "strings"

func main() {
	n := 3
	println(strings.Repeat("ab", n))
}
