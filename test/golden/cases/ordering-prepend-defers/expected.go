//line input.go:1:1
package main

func work() {
/*line <generated>:1:1*/{
println("enter outer")
defer println("leave outer")
}

{
println("enter inner")
defer println("leave inner")
}
/*line input.go:3:14*/
	println("work")
}

func main() { work() }
