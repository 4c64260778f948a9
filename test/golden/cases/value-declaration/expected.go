//line input.go:1:1
package main

import "net/http"
/*line <generated>:1:1*/import __weft_http "net/http"
/*line input.go:3:18*/

var client *http.Client/*line <generated>:1:1*/ = &__weft_http.Client{Timeout: 10}/*line input.go:5:24*/

var other *http.Request

func main() { _, _ = client, other }
