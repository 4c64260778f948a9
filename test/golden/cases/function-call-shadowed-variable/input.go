package main

import "net/http"

type fake struct{}

func (fake) Get(string) (*http.Response, error) { return nil, nil }

func main() {
	{
		http := fake{}
		_, _ = http.Get("not the package")
	}
	_, _ = http.Get("the package")
}
