package main

import "strings"

//line template.tmpl:100:1
func render() string {
	return strings.ToUpper("x")
}

//line template.tmpl:200
func main() { println(render()) }
