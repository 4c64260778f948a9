//line input.go:1:1
package main

func sum(xs ...int) (t int) {
/*line <generated>:1:1*/{
println("terms", len(xs))
}
/*line input.go:3:30*/
	for _, x := range xs {
		t += x
	}
	return
}

func main() { println(sum(1, 2, 3)) }
