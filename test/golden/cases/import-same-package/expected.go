//line input.go:1:1
package main

func helper() {}

func work() {
/*line <generated>:1:1*/{
helper()
}
/*line input.go:5:14*/}

func main() { work() }
