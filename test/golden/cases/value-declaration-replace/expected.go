//line input.go:1:1
package main

func main() {
	var n int = /*line <generated>:1:1*/7/*line input.go:4:15*/
	var s string
	println(n, s)
}
