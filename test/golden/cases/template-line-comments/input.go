package main

import "fmt"

func pair(a, b string) string { return a + b }

func main() {
	fmt.Println(pair(fmt.Sprint(1), "x"), fmt.Sprint(2))
	_ = []string{fmt.Sprint(3), fmt.Sprint(4)}
}
