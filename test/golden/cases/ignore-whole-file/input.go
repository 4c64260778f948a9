// Package main is generated code that must stay as it is.
//
//weft:ignore
package main

func a() {}

func main() { a() }
