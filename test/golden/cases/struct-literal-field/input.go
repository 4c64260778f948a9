package main

import "net/http"

func main() {
	s := &http.Server{
		Addr:    ":8080",
		Handler: http.NotFoundHandler(),
	}
	_ = s
}
