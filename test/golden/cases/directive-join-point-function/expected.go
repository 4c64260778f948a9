//line input.go:1:1
package main

//weft:trace
func traced() {
/*line <generated>:1:1*/{
println("traced function")
}
/*line input.go:4:16*/}

func main() { traced() }
