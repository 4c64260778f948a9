//line input.go:1:1
package main

import (
	"context"
	"io"
)

func parse(data []byte) (string, error) {
/*line <generated>:1:1*/{
println("traced", "parse")
}
/*line input.go:8:42*/ return string(data), nil }

func render(w io.Writer, ctx context.Context, n int) string {
/*line <generated>:1:1*/{
println("traced", "render", ctx != nil)
}
/*line input.go:10:62*/ return "" }

func both(ctx context.Context) error {
/*line <generated>:1:1*/{
println("traced", "both", ctx != nil)
}
/*line input.go:12:39*/ return nil }

func neither(n int) string { return "" }

func variadicOnly(xs ...context.Context) {}

func main() {
	ctx := context.Background()
	_, _ = parse(nil)
	_ = render(nil, ctx, 1)
	_ = both(ctx)
	_ = neither(1)
	variadicOnly(ctx)
}
