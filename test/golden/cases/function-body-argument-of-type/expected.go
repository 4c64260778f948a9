//line input.go:1:1
package main

import (
	"context"
)

func handle(name string, c context.Context) {
/*line <generated>:1:1*/{
_ = c.Err()
}
/*line input.go:7:46*/}

func main() { handle("x", context.Background()) }
