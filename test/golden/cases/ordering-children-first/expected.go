//line input.go:1:1
package main

import "strings"

func main() {
/*line <generated>:1:1*/{
println("main")
}
/*line input.go:5:14*/
	f := func() string {
/*line <generated>:1:1*/{
println("literal")
}
/*line input.go:6:22*/ return /*line <generated>:1:1*/strings.TrimSpace(/*line input.go:6:30*/strings.ToUpper("x")/*line <generated>:1:1*/)/*line input.go:6:50*/ }
	println(f())
}
