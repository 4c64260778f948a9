//line input.go:1:1
package main

func work() {
/*line <generated>:1:1*/{
println("no namespace")
}

{
println("zeta")
}

{
println("named default")
}

{
println("alpha")
}
/*line input.go:3:14*/}

func main() { work() }
