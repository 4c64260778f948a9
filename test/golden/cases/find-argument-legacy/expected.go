//line input.go:1:1
package main

import (
	"context"
	"net/http"
)
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:6:2*/

//dd:span resource:home
func withContext(ctx context.Context) {
/*line <generated>:1:1*/{
__weft_fmt.Println(ctx, "name", "withContext", "resource", "home")
}
/*line input.go:9:40*/}

//dd:span
func withRequest(w http.ResponseWriter, r *http.Request) {
/*line <generated>:1:1*/{
__weft_fmt.Println(r.Context(), "name", "withRequest")
}
/*line input.go:12:59*/}

func main() {
	withContext(context.Background())
	withRequest(nil, &http.Request{})
}
