package main

import "fmt"

func main() {
	fmt.Println("hello")
	_ = fmt.Sprint("still used")
}
