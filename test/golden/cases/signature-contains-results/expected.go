//line input.go:1:1
package main

import (
	"context"
	"errors"
)

func named(ctx context.Context) (n int, err error) {
/*line <generated>:1:1*/{
defer func() { println("error:", err != nil) }()
}
/*line input.go:8:53*/ return 1, errors.New("x") }

func unnamed(ctx context.Context) (/*line <generated>:1:1*/__weft_result_0 /*line input.go:10:36*/int, /*line <generated>:1:1*/__weft_result_1 /*line input.go:10:41*/error) {
/*line <generated>:1:1*/{
defer func() { println("error:", __weft_result_1 != nil) }()
}
/*line input.go:10:49*/ return 2, nil }

func grouped(_ context.Context, a int) (x, y int, err error) {
/*line <generated>:1:1*/{
defer func() { println("error:", err != nil) }()
}
/*line input.go:12:63*/ return a, a, nil }

func onlyError(context.Context) /*line <generated>:1:1*/(__weft_result_0 /*line input.go:14:33*/error/*line <generated>:1:1*/)/*line input.go:14:38*/ {
/*line <generated>:1:1*/{
defer func() { println("error:", __weft_result_0 != nil) }()
}
/*line input.go:14:40*/ return nil }

func noError(ctx context.Context) int {
/*line <generated>:1:1*/{
println("no error result")
}
/*line input.go:16:40*/ return 0 }

func noContext() /*line <generated>:1:1*/(__weft_result_0 /*line input.go:18:18*/error/*line <generated>:1:1*/)/*line input.go:18:23*/ {
/*line <generated>:1:1*/{
defer func() { println("error:", __weft_result_0 != nil) }()
}
/*line input.go:18:25*/ return nil }

func main() {
	ctx := context.Background()
	_, _ = named(ctx)
	_, _ = unnamed(ctx)
	_, _, _ = grouped(ctx, 3)
	_ = onlyError(ctx)
	_ = noError(ctx)
	_ = noContext()
}
