//line input.go:1:1
package main

func f(/*line <generated>:1:1*/__weft_arg_0 /*line input.go:3:8*/int, /*line <generated>:1:1*/__weft_arg_1 /*line input.go:3:13*/string) {
/*line <generated>:1:1*/{
println(__weft_arg_1)
}
/*line input.go:3:22*/}

func main() { f(1, "two") }
