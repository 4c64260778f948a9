//line input.go:1:1
package main

import "net/http"

func main() {
	s := &http.Server{
		Addr:    ":8080",
		Handler: /*line <generated>:1:1*/http.TimeoutHandler(/*line input.go:8:12*/http.NotFoundHandler()/*line <generated>:1:1*/, 1, "timeout")/*line input.go:8:34*/,
	}
	_ = s
}
