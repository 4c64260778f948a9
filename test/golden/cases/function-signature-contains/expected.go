//line input.go:1:1
package main

import "net/http"

func handle(w http.ResponseWriter, r *http.Request) {
/*line <generated>:1:1*/{
println("request", r.Method)
}
/*line input.go:5:54*/}

func other(w http.ResponseWriter) {}

func main() {
	handle(nil, &http.Request{})
	other(nil)
}
