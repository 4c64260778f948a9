package main

import "errors"

func parse(data []byte) (string, error) { return "", errors.New("no") }

func main() { _, _ = parse(nil) }
