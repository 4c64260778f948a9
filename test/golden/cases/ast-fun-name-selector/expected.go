//line input.go:1:1
package main

import "strings"

func main() {
	var b strings.Builder
	b.WriteString("b")
	println(/*line <generated>:1:1*/func() string { println("calling ToUpper"); return /*line input.go:8:10*/strings.ToUpper("a")/*line <generated>:1:1*/ }()/*line input.go:8:30*/, /*line <generated>:1:1*/func() string { println("calling String"); return /*line input.go:8:32*/b.String()/*line <generated>:1:1*/ }()/*line input.go:8:42*/)
}
