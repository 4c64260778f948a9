//line input.go:1:1
package main

func f(/*line <generated>:1:1*/__weft_arg_0/*line input.go:3:9*/ string, n int) int {
/*line <generated>:1:1*/{
println(__weft_arg_0)
}
/*line input.go:3:30*/ return n }

func main() { println(f("one", 2)) }
