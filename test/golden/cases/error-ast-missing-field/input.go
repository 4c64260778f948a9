package main

import "strings"

func main() { _ = strings.ToUpper("x") }
