//line input.go:1:1
package main

import "strings"
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:3:17*/

func main() {
	n := 3
	println(/*line <generated>:1:1*/func() string {
  __weft_fmt.Println("Repeat", 2, /*line input.go:7:31*/n/*line <generated>:1:1*/)
  return /*line input.go:7:10*/strings.Repeat/*line <generated>:1:1*/(/*line input.go:7:25*/"ab"/*line <generated>:1:1*/, /*line input.go:7:31*/n/*line <generated>:1:1*/)
}()/*line input.go:7:33*/)
}
