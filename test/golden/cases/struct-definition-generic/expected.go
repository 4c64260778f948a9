//line input.go:1:1
package main

type Box[T any] struct{ v T 
/*line <generated>:1:1*/count int
/*line input.go:3:29*/}

func main() {
	b := Box[string]{v: "x"}
	b.count++
	println(b.v, b.count)
}
