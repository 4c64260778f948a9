package main

import "strings"

func main() {
	println(strings.TrimSpace(" x "))
}
