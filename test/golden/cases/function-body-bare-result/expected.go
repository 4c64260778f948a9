//line input.go:1:1
package main

import "errors"

func f() /*line <generated>:1:1*/(__weft_result_0 /*line input.go:5:10*/error/*line <generated>:1:1*/)/*line input.go:5:15*/ {
/*line <generated>:1:1*/{
defer func() { println("returning", __weft_result_0 != nil) }()
}
/*line input.go:5:17*/ return errors.New("x") }

func main() { _ = f() }
