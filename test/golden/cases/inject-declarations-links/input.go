package main

import _ "unsafe"

func main() { println(nanotime() > 0) }
