package main

var limit int

var other int

func main() { println(limit, other) }
