package main

import "strings"

func main() {
	println(strings.Repeat("ab", 2))
}
