//line input.go:1:1
package main

import "context"

//dd:span op:top
func top(ctx context.Context) (int, error) {
/*line <generated>:1:1*/{
println("span", "top", "op", "top", ctx != nil)
}
/*line input.go:6:45*/ return 0, nil }

func main() {
	//dd:span op:inner kind:client
	inner := func(ctx context.Context, n int) (res int, err error) {
/*line <generated>:1:1*/{
println("span", "", "op", "inner", "kind", "client", ctx != nil)
}
/*line input.go:10:66*/ return n, nil }
	//dd:span
	var named = func(c context.Context) error {
/*line <generated>:1:1*/{
println("span", "", c != nil)
}
/*line input.go:12:45*/ return nil }
	var later func(context.Context)
	//dd:span op:later
	later = func(ctx context.Context) {
/*line <generated>:1:1*/{
println("span", "", "op", "later", ctx != nil)
}
/*line input.go:15:37*/}
	notSpanned := func(ctx context.Context) {}
	_, _ = inner(context.Background(), 1)
	_ = named(context.Background())
	later(context.Background())
	notSpanned(context.Background())
	_, _ = top(context.Background())
}
