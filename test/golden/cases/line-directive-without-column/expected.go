//line input.go:1:1
package main

import "strings"

//line template.tmpl:200
func render() string {
/*line <generated>:1:1*/{
_ = "render"
}
/*line template.tmpl:200*/
	return /*line <generated>:1:1*/strings.TrimSpace(/*line template.tmpl:201*/strings.ToUpper("x")/*line <generated>:1:1*/)/*line template.tmpl:201*/
}

/*line other.tmpl:300*/func main() {
/*line <generated>:1:1*/{
_ = "main"
}
/*line other.tmpl:300*/ println(render()) }
