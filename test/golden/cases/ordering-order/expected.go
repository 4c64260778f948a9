//line input.go:1:1
package main

func work() {
/*line <generated>:1:1*/{
println("a")
}

{
println("b")
}
/*line input.go:3:14*/}

func main() { work() }
