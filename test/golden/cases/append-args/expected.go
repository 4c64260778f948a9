//line input.go:1:1
package main

type Option int

func withTrace() Option { return 1 }

func dial(addr string, opts ...Option) int { return len(opts) }

func main() {
	println(dial("a"/*line <generated>:1:1*/, withTrace(), Option(2)/*line input.go:10:18*/))
	println(dial("b", Option(5)/*line <generated>:1:1*/, withTrace(), Option(2)/*line input.go:11:29*/))
}
