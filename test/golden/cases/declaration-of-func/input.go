package main

func run() {}

func main() { run() }
