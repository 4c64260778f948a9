//line input.go:1:1
package main

import "fmt"

func pair(a, b string) string { return a + b }

func main() {
	fmt.Println(pair(/*line <generated>:1:1*//*dd:startwrap*/ /*line input.go:8:19*/fmt.Sprint(1)/*line <generated>:1:1*/ /*dd:endwrap*//*line input.go:8:32*/, "x"), /*line <generated>:1:1*//*dd:startwrap*/ /*line input.go:8:40*/fmt.Sprint(2)/*line <generated>:1:1*/ /*dd:endwrap*//*line input.go:8:53*/)/*line <generated>:1:1*/ /* trailing comment*//*line input.go:8:54*/
	_ = []string{/*line <generated>:1:1*//*dd:startwrap*/ /*line input.go:9:15*/fmt.Sprint(3)/*line <generated>:1:1*/ /*dd:endwrap*//*line input.go:9:28*/, /*line <generated>:1:1*//*dd:startwrap*/ /*line input.go:9:30*/fmt.Sprint(4)/*line <generated>:1:1*/ /*dd:endwrap*//*line input.go:9:43*/}
}
