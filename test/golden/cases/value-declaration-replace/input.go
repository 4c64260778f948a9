package main

func main() {
	var n int = 3
	var s string
	println(n, s)
}
