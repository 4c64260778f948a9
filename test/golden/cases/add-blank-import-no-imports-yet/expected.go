//line input.go:1:1
// Package main has a doc comment.
package main
/*line <generated>:1:1*/import _ "net/http/pprof"
/*line input.go:2:13*/

func main() {}
