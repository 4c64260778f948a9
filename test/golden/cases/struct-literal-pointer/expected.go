//line input.go:1:1
package main

import "net/http"

func main() {
	c := http.Client{}
	p := /*line <generated>:1:1*/func(c *http.Client) *http.Client { c.Timeout = 5; return c }(/*line input.go:7:7*/&http.Client{Timeout: 1}/*line <generated>:1:1*/)/*line input.go:7:31*/
	_, _ = c, p
}
