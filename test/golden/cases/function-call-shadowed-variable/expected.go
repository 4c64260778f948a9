//line input.go:1:1
package main

import "net/http"
/*line <generated>:1:1*/import __weft_log "log"
/*line input.go:3:18*/

type fake struct{}

func (fake) Get(string) (*http.Response, error) { return nil, nil }

func main() {
	{
		http := fake{}
		_, _ = http.Get("not the package")
	}
	_, _ = /*line <generated>:1:1*/func() (*http.Response, error) { __weft_log.Print("real GET"); return /*line input.go:14:9*/http.Get("the package")/*line <generated>:1:1*/ }()/*line input.go:14:32*/
}
