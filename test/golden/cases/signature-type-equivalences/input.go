package main

import web "net/http"

func handle(a interface{}, b any, c uint8, d int32, e []byte, f map[string]any, r *web.Request) error {
	return nil
}

func other(a interface {
}) {
}

func main() {
	_ = handle(nil, nil, 0, 0, nil, nil, nil)
	other(nil)
}
