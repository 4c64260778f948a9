//line input.go:1:1
//go:build go1.26

package main

type celsius float64

func ptrs() (*celsius, *int, *struct{}, []int, map[string]int, chan int) {
/*line <generated>:1:1*/{
_ = "ptrs"
}
/*line input.go:7:75*/
	return new(celsius(21.5)), new /* a comment */ (123), new(struct{}), make([]int, 3), make(map[string]int), make(chan int)
}

type list struct{ next *list }

func build(n int) *list {
/*line <generated>:1:1*/{
_ = "build"
}
/*line input.go:13:26*/
	make := func(n int) *list {
/*line <generated>:1:1*/{
_ = ""
}
/*line input.go:14:29*/
		if n == 0 {
			return nil
		}
		return &list{build(n - 1)}
	}
	return &list{make(n - 1)}
}

func main() {
/*line <generated>:1:1*/{
_ = "main"
}
/*line input.go:23:14*/
	c, i, _, s, m, ch := ptrs()
	_, _, _, _, _ = *c, *i, s, m, ch
	_ = build(3)
}
