package main

import (
	"context"
	"io"
)

func parse(data []byte) (string, error) { return string(data), nil }

func render(w io.Writer, ctx context.Context, n int) string { return "" }

func both(ctx context.Context) error { return nil }

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
