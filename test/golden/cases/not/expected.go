//line input.go:1:1
package main

func a() {
/*line <generated>:1:1*/{
println("not main")
}
/*line input.go:3:11*/}

func main() { a() }
