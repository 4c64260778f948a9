package main

func a() {}

//weft:ignore
func b() {}

func main() {
	a()
	b()
}
