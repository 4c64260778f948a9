//line input.go:1:1
package main

func work(a int, b string) (int, error) {
/*line <generated>:1:1*/{
println("work", "work", 2)
println("(a int, b string) (int, error)")
}
/*line input.go:3:42*/
	println(a, b)
	return a, nil
}

func main() { _, _ = work(1, "x") }
