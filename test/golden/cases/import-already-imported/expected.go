//line input.go:1:1
package main

import "fmt"
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:3:13*/

func work() {
/*line <generated>:1:1*/{
__weft_fmt.Println("work")
}
/*line input.go:5:14*/ fmt.Println("body") }

func main() { work() }
