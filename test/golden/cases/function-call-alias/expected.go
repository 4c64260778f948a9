//line input.go:1:1
package main

import h "net/http"
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:3:20*/

func main() {
	resp, err := /*line <generated>:1:1*/func() (*h.Response, error) { __weft_fmt.Println("GET"); return /*line input.go:6:15*/h.Get("http://example.com")/*line <generated>:1:1*/ }()/*line input.go:6:42*/
	_, _ = resp, err
}
