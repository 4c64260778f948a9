package main

func work(n int) int {
	return n * 2
}

func other() {}

func main() {
	println(work(2))
	other()
}
