//line input.go:1:1
package main

import "net/http"

var client *http.Client/*line <generated>:1:1*/ = &http.Client{Timeout: 10}/*line input.go:5:24*/

var other *http.Request

func main() { _, _ = client, other }
