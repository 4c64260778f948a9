package main

func f(int, string) {}

func main() { f(1, "two") }
