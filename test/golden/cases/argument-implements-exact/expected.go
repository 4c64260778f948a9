//line input.go:1:1
package main

import (
	"context"
	"os"
)

type custom struct{}

// other has an argument whose type would need type information, but its name does not match.
func other(f *os.File, c custom) {}

func handle(f *os.File, ctx context.Context) {
/*line <generated>:1:1*/{
_ = ctx.Err()
}
/*line input.go:13:47*/}

func main() {
	other(nil, custom{})
	handle(nil, context.Background())
}
