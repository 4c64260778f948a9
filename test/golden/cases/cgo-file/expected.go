//line input.go:1:1
package main

/*
static int add(int a, int b) { return a + b; }
*/
import "C"

func add(a, b int) int {
/*line <generated>:1:1*/{
println("calling C")
}
/*line input.go:8:25*/
	return int(C.add(C.int(a), C.int(b)))
}

func main() { println(add(1, 2)) }
