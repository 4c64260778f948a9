//line input.go:1:1
package main

//dd:span op:work kind:"two words"
func work() {
/*line <generated>:1:1*/{
println("op", "work")
println("kind", "two words")
}
/*line input.go:4:14*/}

// other has a doc comment only.
func other() {}

func main() {
	work()
	other()
}
