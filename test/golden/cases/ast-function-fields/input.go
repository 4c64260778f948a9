package main

func work(a int, b string) (int, error) {
	println(a, b)
	return a, nil
}

func main() { _, _ = work(1, "x") }
