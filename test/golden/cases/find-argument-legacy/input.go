package main

import (
	"context"
	"net/http"
)

//dd:span resource:home
func withContext(ctx context.Context) {}

//dd:span
func withRequest(w http.ResponseWriter, r *http.Request) {}

func main() {
	withContext(context.Background())
	withRequest(nil, &http.Request{})
}
