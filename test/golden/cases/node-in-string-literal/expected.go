//line input.go:1:1
package main

import "strings"
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:3:17*/

func main() {
	println(/*line <generated>:1:1*/func() string {
  __weft_fmt.Println("calling strings.Repeat with", "\"ab\"") // strings.Repeat
  return /*line input.go:6:10*/strings.Repeat("ab", 2)
/*line <generated>:1:1*/}()/*line input.go:6:33*/)
}
