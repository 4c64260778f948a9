//line input.go:1:1
package main

import "net/http"
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:3:18*/

func main() {
	resp, err := /*line <generated>:1:1*/func() (*http.Response, error) {
  __weft_fmt.Println("GET")
  return /*line input.go:6:15*/http.Get("http://example.com")
/*line <generated>:1:1*/}()/*line input.go:6:45*/
	if err == nil {
		resp.Body.Close()
	}
}
