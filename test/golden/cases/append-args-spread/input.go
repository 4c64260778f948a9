package main

type Option int

func dial(addr string, opts ...Option) int { return len(opts) }

func main() {
	base := []Option{1, 2}
	println(dial("a", base...))
}
