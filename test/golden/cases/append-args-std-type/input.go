package main

import (
	"io"
	"strings"
)

func main() {
	ws := []io.Writer{&strings.Builder{}}
	_ = io.MultiWriter(ws...)
}
