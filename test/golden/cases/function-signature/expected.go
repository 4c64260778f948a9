//line input.go:1:1
package main

import "context"

func a(ctx context.Context, s string) error {
/*line <generated>:1:1*/{
println("ctx and", s)
}
/*line input.go:5:46*/ return ctx.Err() }

func b(ctx context.Context, s string, n int) error { return nil }

func c(s string) error { return nil }

func main() {
	_ = a(context.Background(), "x")
	_ = b(context.Background(), "x", 1)
	_ = c("x")
}
