//line input.go:1:1
package main

import "net/http"

func tracedGet(url string) (*http.Response, error) {
	println("traced", url)
	return nil, nil
}

func main() {
	_, _ = /*line <generated>:1:1*/tracedGet/*line input.go:11:17*/("http://example.com")
}
