package main

import (
	"context"
	"net/http"
)

var client = &http.Client{}

var req, _ = http.NewRequest("GET", "http://127.0.0.1:1/", nil)

var resp, err = client.Do(req)

var early, earlyErr = late.Do(req)

var late = &http.Client{}

func newClient() *http.Client { return &http.Client{} }

// Only the type oracle knows made's type: a build weaves it, a weave without types warns.
var made = newClient()

var madeResp, madeErr = made.Do(req)

func fetch(ctx context.Context, c *http.Client, r *http.Request) {
	_, _ = c.Do(r)
}

func main() {
	_, _, _, _, _, _ = resp, err, early, earlyErr, madeResp, madeErr
	fetch(context.Background(), client, req)
}
