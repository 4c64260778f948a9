package main

import (
	. "net/http"
)

func main() {
	mux := NewServeMux()
	_ = &Server{Handler: mux}
}
