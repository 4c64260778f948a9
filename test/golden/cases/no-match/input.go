package main

func main() { println("nothing to weave") }
