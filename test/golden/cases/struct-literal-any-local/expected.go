//line input.go:1:1
package main

type Config struct{ N int }

func withDefaults[T any](c T) T { return c }

func main() {
	a := /*line <generated>:1:1*/withDefaults(/*line input.go:8:7*/Config{N: 1}/*line <generated>:1:1*/)/*line input.go:8:19*/
	b := /*line <generated>:1:1*/withDefaults(/*line input.go:9:7*/&Config{}/*line <generated>:1:1*/)/*line input.go:9:16*/
	_, _ = a, b
}
