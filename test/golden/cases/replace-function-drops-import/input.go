package main

import "strconv"

import (
	_ "embed"
	lg "log"
	"strings"
)

func atoi(s string) (int, error) { return len(s), nil }

func main() {
	n, err := strconv.Atoi("12")
	lg.Println(n, err)
	println(strings.ToUpper("a"), strings.ToLower("B"))
}
