package main

func work(log []string) {
	println(len(log))
}

func main() { work(nil) }
