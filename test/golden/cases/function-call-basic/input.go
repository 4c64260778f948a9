package main

import "net/http"

func main() {
	resp, err := http.Get("http://example.com")
	if err == nil {
		resp.Body.Close()
	}
}
