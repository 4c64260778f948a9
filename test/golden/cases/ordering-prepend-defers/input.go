package main

func work() {
	println("work")
}

func main() { work() }
