// Package main has a doc comment.
package main

func main() {}
