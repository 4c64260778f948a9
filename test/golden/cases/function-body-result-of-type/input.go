package main

import "errors"

func run() (string, error) { return "", errors.New("boom") }

func main() { _, _ = run() }
