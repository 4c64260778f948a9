package main

func main() { helper() }
