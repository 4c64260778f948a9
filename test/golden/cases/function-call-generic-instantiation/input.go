package main

import "slices"

func main() {
	xs := []int{1, 2, 3}
	println(slices.Index(xs, 2), slices.Index[[]int](xs, 3))
}
