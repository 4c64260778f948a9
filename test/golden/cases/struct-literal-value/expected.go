//line input.go:1:1
package main

import "net/http"

func main() {
	c := /*line <generated>:1:1*/func(c http.Client) http.Client { c.Timeout = 5; return c }(/*line input.go:6:7*/http.Client{}/*line <generated>:1:1*/)/*line input.go:6:20*/
	p := &http.Client{}
	_, _ = c, p
}
