package main

import (
	"context"
	"errors"
)

func named(ctx context.Context) (n int, err error) { return 1, errors.New("x") }

func unnamed(ctx context.Context) (int, error) { return 2, nil }

func grouped(_ context.Context, a int) (x, y int, err error) { return a, a, nil }

func onlyError(context.Context) error { return nil }

func noError(ctx context.Context) int { return 0 }

func noContext() error { return nil }

func main() {
	ctx := context.Background()
	_, _ = named(ctx)
	_, _ = unnamed(ctx)
	_, _, _ = grouped(ctx, 3)
	_ = onlyError(ctx)
	_ = noError(ctx)
	_ = noContext()
}
