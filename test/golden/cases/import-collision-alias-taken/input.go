package main

var __weft_fmt = "taken"

func work() { println(__weft_fmt) }

func main() { work() }
