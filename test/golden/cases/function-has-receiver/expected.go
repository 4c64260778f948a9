//line input.go:1:1
package main

type T struct{}

func (T) M() {
/*line <generated>:1:1*/{
println("a method")
}
/*line input.go:5:15*/}

func f() {}

func main() {
	T{}.M()
	f()
}
