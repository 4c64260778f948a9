package main

var ünïcode = "ü€𝄞"

func grüß() string { return ünïcode }

func main() { println(grüß()) }
