package main

import "fmt"

func main() {
	s := fmt.Sprintf("%s-%d",
		"a",
		1,
	)
	println(s)
}
