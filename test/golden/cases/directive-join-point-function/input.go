package main

//weft:trace
func traced() {}

func main() { traced() }
