//line input.go:1:1
package main

import "context"

//dd:span op:outer
func outer(ctx context.Context) {
/*line <generated>:1:1*/{
println("span", "outer", "op", "outer", ctx != nil)
}
/*line input.go:6:34*/
	//dd:span op:inner
	inner := func(c context.Context) {
/*line <generated>:1:1*/{
println("span", "", "op", "inner", c != nil)
}
/*line input.go:8:36*/
		println("inner")
	}
	inner(ctx)
	var later func(context.Context)
	//dd:span
	later = func(c context.Context) {
/*line <generated>:1:1*/{
println("span", "", c != nil)
}
/*line input.go:14:35*/}
	later(ctx)
	plain := func(c context.Context) {}
	plain(ctx)
	//dd:span
	run(func(c context.Context) {})
}

func run(f func(context.Context)) { f(context.Background()) }

func main() { outer(context.Background()) }
