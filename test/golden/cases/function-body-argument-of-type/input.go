package main

import (
	"context"
)

func handle(name string, c context.Context) {}

func main() { handle("x", context.Background()) }
