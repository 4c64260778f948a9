package main

func f(_ string, n int) int { return n }

func main() { println(f("one", 2)) }
