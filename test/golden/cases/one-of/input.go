package main

import "fmt"

func main() {
	println(fmt.Sprint(1), fmt.Sprintln(2), fmt.Sprintf("%d", 3))
}
