//line input.go:1:1
package main

import web "net/http"

func handle(a interface{}, b any, c uint8, d int32, e []byte, f map[string]any, r *web.Request) error {
/*line <generated>:1:1*/{
println("contains")
}

{
println("equivalent")
}
/*line input.go:5:104*/
	return nil
}

func other(a interface {
}) {
/*line <generated>:1:1*/{
println("contains")
}
/*line input.go:10:5*/
}

func main() {
	_ = handle(nil, nil, 0, 0, nil, nil, nil)
	other(nil)
}
