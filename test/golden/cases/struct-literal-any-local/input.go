package main

type Config struct{ N int }

func withDefaults[T any](c T) T { return c }

func main() {
	a := Config{N: 1}
	b := &Config{}
	_, _ = a, b
}
