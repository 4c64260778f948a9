package main

import "net/http"

type fake struct{}

func (fake) Get(string) (*http.Response, error) { return nil, nil }

func use(http fake) {
	_, _ = http.Get("shadowed by the parameter")
}

func main() {
	use(fake{})
	_, _ = http.Get("the package")
}
