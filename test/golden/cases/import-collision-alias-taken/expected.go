//line input.go:1:1
package main
/*line <generated>:1:1*/import __weft_fmt2 "fmt"
/*line input.go:1:13*/

var __weft_fmt = "taken"

func work() {
/*line <generated>:1:1*/{
__weft_fmt2.Println("work")
}
/*line input.go:5:14*/ println(__weft_fmt) }

func main() { work() }
