package main

import h "net/http"

func main() {
	resp, err := h.Get("http://example.com")
	_, _ = resp, err
}
