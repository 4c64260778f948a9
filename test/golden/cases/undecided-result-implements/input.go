package main

type myErr struct{}

func (*myErr) Error() string { return "" }

func work() *myErr { return nil }

func main() { _ = work() }
