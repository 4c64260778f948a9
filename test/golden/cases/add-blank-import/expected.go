//line input.go:1:1
package main
/*line <generated>:1:1*/import _ "expvar"
/*line input.go:1:13*/

func main() {}
