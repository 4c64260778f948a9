package main

type client struct{}

func (client) Get(string) error { return nil }

func main() {
	var http client
	_ = http.Get("x")
}
