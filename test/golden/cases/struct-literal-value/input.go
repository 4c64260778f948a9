package main

import "net/http"

func main() {
	c := http.Client{}
	p := &http.Client{}
	_, _ = c, p
}
