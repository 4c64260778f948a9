//line input.go:1:1
package main

type Option int

func dial(addr string, opts ...Option) int { return len(opts) }

func main() {
	base := []Option{1, 2}
	println(dial("a", /*line <generated>:1:1*/func(__weft_s ...Option) []Option { return append(__weft_s[:len(__weft_s):len(__weft_s)], Option(9)) }(/*line input.go:9:20*/base/*line <generated>:1:1*/...).../*line input.go:9:27*/))
}
