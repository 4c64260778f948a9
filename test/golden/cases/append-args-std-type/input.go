package main

import "strings"

func run(bs ...*strings.Builder) int { return len(bs) }

func main() {
	xs := []*strings.Builder{{}}
	println(run(xs...))
}
