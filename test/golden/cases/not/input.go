package main

func a() {}

func main() { a() }
