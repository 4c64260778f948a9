//line input.go:1:1
package main

import "net/http"

type fake struct{}

func (fake) Get(string) (*http.Response, error) { return nil, nil }

func use(http fake) {
	_, _ = http.Get("shadowed by the parameter")
}

func main() {
	use(fake{})
	_, _ = /*line <generated>:1:1*/(/*line input.go:15:9*/http.Get("the package")/*line <generated>:1:1*/)/*line input.go:15:32*/
}
