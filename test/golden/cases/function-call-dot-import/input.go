package main

import . "net/http"

func main() {
	resp, err := Get("http://example.com")
	_, _ = resp, err
}
