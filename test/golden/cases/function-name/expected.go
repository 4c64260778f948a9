//line input.go:1:1
package main
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:1:13*/

func work(n int) int {
/*line <generated>:1:1*/{
__weft_fmt.Println("enter", "work")
}
/*line input.go:3:23*/
	return n * 2
}

func other() {}

func main() {
	println(work(2))
	other()
}
