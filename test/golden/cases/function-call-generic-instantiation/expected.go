//line input.go:1:1
package main

import "slices"

func main() {
	xs := []int{1, 2, 3}
	println(/*line <generated>:1:1*/(1 + /*line input.go:7:10*/slices.Index(xs, 2)/*line <generated>:1:1*/)/*line input.go:7:29*/, /*line <generated>:1:1*/(1 + /*line input.go:7:31*/slices.Index[[]int](xs, 3)/*line <generated>:1:1*/)/*line input.go:7:57*/)
}
