//line input.go:1:1
package main

type Conn struct{}

func Query() (int, error) {
/*line <generated>:1:1*/{
println("Query returns an error last")
}
/*line input.go:5:28*/ return 0, nil }

func Count() (error, int) { return nil, 0 }

func Open(name string) (err error, c *Conn) {
/*line <generated>:1:1*/{
println("Open returns a *Conn last")
}
/*line input.go:9:46*/ return nil, &Conn{} }

func main() {
	_, _ = Query()
	_, _ = Count()
	_, _ = Open("x")
}
