package main

import "net/http"

func main() {
	c := http.Client{}
	p := &http.Client{Timeout: 1}
	_, _ = c, p
}
