package main

import "fmt"

func work() { fmt.Println("body") }

func main() { work() }
