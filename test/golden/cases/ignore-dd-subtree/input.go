package main

import "strings"

//dd:ignore
func quiet() string {
	return strings.ToUpper("q") + func() string { return strings.ToUpper("r") }()
}

func main() {
	println(quiet(), strings.ToUpper("loud"))
}
