package main

import "context"

//dd:span op:outer
func outer(ctx context.Context) {
	//dd:span op:inner
	inner := func(c context.Context) {
		println("inner")
	}
	inner(ctx)
	var later func(context.Context)
	//dd:span
	later = func(c context.Context) {}
	later(ctx)
	plain := func(c context.Context) {}
	plain(ctx)
	//dd:span
	run(func(c context.Context) {})
}

func run(f func(context.Context)) { f(context.Background()) }

func main() { outer(context.Background()) }
