//line input.go:1:1
package main

func helper() int { return 21 }

func double(x int) int { return 2 * x }

func main() {
	println(/*line <generated>:1:1*/double(/*line input.go:8:10*/helper()/*line <generated>:1:1*/)/*line input.go:8:18*/)
}
