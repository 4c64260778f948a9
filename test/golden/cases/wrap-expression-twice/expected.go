//line input.go:1:1
package main

import "strings"

func main() {
	println(/*line <generated>:1:1*/strings.ToLower(strings.ToUpper(/*line input.go:6:10*/strings.TrimSpace(" x ")/*line <generated>:1:1*/))/*line input.go:6:34*/)
}
