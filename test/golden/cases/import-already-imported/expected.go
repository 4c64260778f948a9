//line input.go:1:1
package main

import "fmt"

func work() {
/*line <generated>:1:1*/{
fmt.Println("work")
}
/*line input.go:5:14*/ fmt.Println("body") }

func main() { work() }
