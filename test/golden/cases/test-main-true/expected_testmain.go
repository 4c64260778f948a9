//line _testmain.go:1:1
package main

func main() {
/*line <generated>:1:1*/{
println("test main")
}
/*line _testmain.go:3:14*/}
