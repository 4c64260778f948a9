package main

import "net/http"

func tracedGet(url string) (*http.Response, error) {
	println("traced", url)
	return nil, nil
}

func main() {
	_, _ = http.Get("http://example.com")
}
