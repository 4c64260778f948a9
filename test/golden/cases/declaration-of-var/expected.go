//line input.go:1:1
package main

var limit int/*line <generated>:1:1*/ = 42/*line input.go:3:14*/

var other int

func main() { println(limit, other) }
