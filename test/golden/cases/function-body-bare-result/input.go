package main

import "errors"

func f() error { return errors.New("x") }

func main() { _ = f() }
