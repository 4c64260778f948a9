//line input.go:1:1
package main

import "fmt"

func main() {
	println(/*line <generated>:1:1*/("<" + /*line input.go:6:10*/fmt.Sprint(/*line <generated>:1:1*/("<" + /*line input.go:6:21*/fmt.Sprint(1)/*line <generated>:1:1*/ + ">")/*line input.go:6:34*/, /*line <generated>:1:1*/("<" + /*line input.go:6:36*/fmt.Sprint(2)/*line <generated>:1:1*/ + ">")/*line input.go:6:49*/)/*line <generated>:1:1*/ + ">")/*line input.go:6:50*/)
}
