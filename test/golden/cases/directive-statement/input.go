package main

func step() {}

func main() {
	step()
	//weft:trace
	step()
}
