package main

func sum(xs ...int) (t int) {
	for _, x := range xs {
		t += x
	}
	return
}

func main() { println(sum(1, 2, 3)) }
