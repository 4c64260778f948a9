package main

import "os"

// This file does not import context, but the package does: the function is woven.
func load() error {
	_, err := os.Stat(".")
	return err
}
