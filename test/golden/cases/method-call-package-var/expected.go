//line input.go:1:1
package main

import (
	"context"
	"net/http"
)

var client = &http.Client{}

var req, _ = http.NewRequest("GET", "http://127.0.0.1:1/", nil)

var resp, err = client.Do/*line <generated>:1:1*/(/*line input.go:12:27*/req/*line <generated>:1:1*/.WithContext(context.Background()))/*line input.go:12:31*/

var early, earlyErr = late.Do/*line <generated>:1:1*/(/*line input.go:14:31*/req/*line <generated>:1:1*/.WithContext(context.Background()))/*line input.go:14:35*/

var late = &http.Client{}

func newClient() *http.Client { return &http.Client{} }

// Only the type oracle knows made's type: a build weaves it, a weave without types warns.
var made = newClient()

var madeResp, madeErr = made.Do(req)

func fetch(ctx context.Context, c *http.Client, r *http.Request) {
	_, _ = c.Do/*line <generated>:1:1*/(/*line input.go:26:14*/r/*line <generated>:1:1*/.WithContext(ctx))/*line input.go:26:16*/
}

func main() {
	_, _, _, _, _, _ = resp, err, early, earlyErr, madeResp, madeErr
	fetch(context.Background(), client, req)
}
