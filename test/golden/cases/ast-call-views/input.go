package main

import (
	. "path/filepath"
	"strings"
)

type Config struct {
	Name  string
	Count int
}

func main() {
	parts := []string{"a", "b"}
	_ = strings.Join(parts, ",")
	_ = Join("a", "b")
	_ = Join(parts...)
	_ = Config{Name: "x", Count: 2}
}
