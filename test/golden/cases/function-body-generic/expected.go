//line input.go:1:1
package main

func Map[T, U any](xs []T, f func(T) U) []U {
/*line <generated>:1:1*/{
println("map over", len(xs))
}
/*line input.go:3:46*/
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func main() {
	_ = Map([]int{1}, func(i int) string { return "x" })
}
