package main

type Conn struct{}

func Query() (int, error) { return 0, nil }

func Count() (error, int) { return nil, 0 }

func Open(name string) (err error, c *Conn) { return nil, &Conn{} }

func main() {
	_, _ = Query()
	_, _ = Count()
	_, _ = Open("x")
}
