//line input_b.go:1:1
package main

func helper() {
/*line <generated>:1:1*/{
println("helper")
}
/*line input_b.go:3:16*/}
