package main

type T struct{}

func (*T) M() { println("m") }

func main() { (&T{}).M() }
