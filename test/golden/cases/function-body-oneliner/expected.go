//line input.go:1:1
package main

func one() int {
/*line <generated>:1:1*/{
println("one")
}
/*line input.go:3:17*/ return 1 }

func main() { println(one()) }
