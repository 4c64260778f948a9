package main

import "context"

//dd:span op:top
func top(ctx context.Context) (int, error) { return 0, nil }

func main() {
	//dd:span op:inner kind:client
	inner := func(ctx context.Context, n int) (res int, err error) { return n, nil }
	//dd:span
	var named = func(c context.Context) error { return nil }
	var later func(context.Context)
	//dd:span op:later
	later = func(ctx context.Context) {}
	notSpanned := func(ctx context.Context) {}
	_, _ = inner(context.Background(), 1)
	_ = named(context.Background())
	later(context.Background())
	notSpanned(context.Background())
	_, _ = top(context.Background())
}
