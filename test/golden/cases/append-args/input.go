package main

type Option int

func withTrace() Option { return 1 }

func dial(addr string, opts ...Option) int { return len(opts) }

func main() {
	println(dial("a"))
	println(dial("b", Option(5)))
}
