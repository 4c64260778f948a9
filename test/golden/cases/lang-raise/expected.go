//line input.go:1:1
package main

func work() {
/*line <generated>:1:1*/{
println(min(1, 2))
}
/*line input.go:3:14*/}

func main() { work() }
