//line input.go:1:1
package main

func run() {
/*line <generated>:1:1*/{
println("run declared here")
}
/*line input.go:3:13*/}

func main() { run() }
