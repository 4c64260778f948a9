//line input.go:1:1
package main

func a() {
/*line <generated>:1:1*/{
println("traced")
}
/*line input.go:3:11*/}

//weft:ignore
func b() {}

func main() {
/*line <generated>:1:1*/{
println("traced")
}
/*line input.go:8:14*/
	a()
	b()
}
