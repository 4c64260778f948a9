package main

import "strings"

type Config struct {
	Name  string
	Count int
}

func local(xs ...int) int { return len(xs) }

func main() {
	parts := []string{"a", "b"}
	_ = strings.Join(parts, ",")
	_ = local(1, 2)
	_ = local(parts2()...)
	_ = Config{Name: "x", Count: 2}
}

func parts2() []int { return nil }
