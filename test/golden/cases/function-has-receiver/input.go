package main

type T struct{}

func (T) M() {}

func f() {}

func main() {
	T{}.M()
	f()
}
