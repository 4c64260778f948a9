package main

type Box[T any] struct{ v T }

func main() {
	b := Box[string]{v: "x"}
	b.count++
	println(b.v, b.count)
}
