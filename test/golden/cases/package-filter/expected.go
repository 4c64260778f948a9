//line input.go:1:1
package main
/*line <generated>:1:1*/import __weft_fmt "fmt"
/*line input.go:1:13*/

func main() {}

/*line <generated>:1:1*/
func init() {
  __weft_fmt.Println("injected by by-filter")
}
