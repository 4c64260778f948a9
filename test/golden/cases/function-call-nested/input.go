package main

import "fmt"

func main() {
	println(fmt.Sprint(fmt.Sprint(1), fmt.Sprint(2)))
}
