package main

//dd:span op:work kind:"two words"
func work() {}

// other has a doc comment only.
func other() {}

func main() {
	work()
	other()
}
