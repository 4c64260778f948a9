package main

import "strings"

//line template.tmpl:200
func render() string {
	return strings.ToUpper("x")
}

/*line other.tmpl:300*/func main() { println(render()) }
