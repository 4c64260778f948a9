package main

import (
	"context"
	"os"
)

type custom struct{}

// other has an argument whose type would need type information, but its name does not match.
func other(f *os.File, c custom) {}

func handle(f *os.File, ctx context.Context) {}

func main() {
	other(nil, custom{})
	handle(nil, context.Background())
}
