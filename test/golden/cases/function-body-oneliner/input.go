package main

func one() int { return 1 }

func main() { println(one()) }
