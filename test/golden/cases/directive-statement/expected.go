//line input.go:1:1
package main

func step() {}

func main() {
	step()
	//weft:trace
	/*line <generated>:1:1*/{
println("about to run")
}
/*line input.go:8:2*/step()
}
