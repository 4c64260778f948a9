package main

import (
	"errors"
	lg "log"
	"strconv"
	"strings"
)

var errBoom = errors.New("boom")

func label(n int) string { return strings.ToUpper(strconv.Itoa(n)) }

func main() {
	lg.Println(label(1), errBoom)
	var _ strings.Builder
}
