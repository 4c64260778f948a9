package main

func helper() int { return 21 }

func double(x int) int { return 2 * x }

func main() {
	println(helper())
}
