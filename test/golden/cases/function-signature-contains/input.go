package main

import "net/http"

func handle(w http.ResponseWriter, r *http.Request) {}

func other(w http.ResponseWriter) {}

func main() {
	handle(nil, &http.Request{})
	other(nil)
}
