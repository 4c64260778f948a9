//line input.go:1:1
package main

func f() (n int, err error) {
/*line <generated>:1:1*/{
defer func() { println("n =", n) }()
}
/*line input.go:3:30*/
	n = 3
	return
}

func main() { _, _ = f() }
