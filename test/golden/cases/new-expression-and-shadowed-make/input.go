//go:build go1.26

package main

type celsius float64

func ptrs() (*celsius, *int, *struct{}, []int, map[string]int, chan int) {
	return new(celsius(21.5)), new /* a comment */ (123), new(struct{}), make([]int, 3), make(map[string]int), make(chan int)
}

type list struct{ next *list }

func build(n int) *list {
	make := func(n int) *list {
		if n == 0 {
			return nil
		}
		return &list{build(n - 1)}
	}
	return &list{make(n - 1)}
}

func main() {
	c, i, _, s, m, ch := ptrs()
	_, _, _, _, _ = *c, *i, s, m, ch
	_ = build(3)
}
