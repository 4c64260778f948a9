//line input.go:1:1
package main

import "strings"

//line template.tmpl:100:1
func render() string {
	return /*line <generated>:1:1*/strings.TrimSpace(/*line template.tmpl:101:9*/strings.ToUpper("x")/*line <generated>:1:1*/)/*line template.tmpl:101:29*/
}

//line template.tmpl:200
func main() { println(render()) }
