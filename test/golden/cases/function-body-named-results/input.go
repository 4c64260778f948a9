package main

func f() (n int, err error) {
	n = 3
	return
}

func main() { _, _ = f() }
