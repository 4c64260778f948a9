//line input.go:1:1
package main
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:1:13*/

func work() {
/*line <generated>:1:1*/{
__weft_fmt.Println("fmt.Println is not rewritten here") // nor fmt.Sprint here
}
/*line input.go:3:14*/}

func main() { work() }
