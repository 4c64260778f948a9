package main

func helper() {}

func work() {}

func main() { work() }
