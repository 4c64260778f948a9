package main

func main() {
	double := func(x int) int { return x * 2 }
	println(double(2))
}
