//line input.go:1:1
package main

var ünïcode = "ü€𝄞"

func grüß() string {
/*line <generated>:1:1*/{
println("héllo")
}
/*line input.go:5:23*/ return ünïcode }

func main() { println(grüß()) }
