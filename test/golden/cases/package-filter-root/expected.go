//line input.go:1:1
package main

func main() {
/*line <generated>:1:1*/{
println("in the main module")
}
/*line input.go:3:14*/}
