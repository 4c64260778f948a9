//line input.go:1:1
package main

func main() {
	double := func(x int) int {
/*line <generated>:1:1*/{
println("in", x)
}
/*line input.go:4:29*/ return x * 2 }
	println(double(2))
}
