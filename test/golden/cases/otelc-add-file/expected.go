//line input.go:1:1
package main
/*line <generated>:1:1*/import __weft_fmt "fmt"
import __weft_str "strings"
import _ "embed"
/*line input.go:1:13*/

func main() {
/*line <generated>:1:1*/{
println(tracedGreeting("weft"))
}
/*line input.go:3:14*/}

/*line <generated>:1:1*/
// tracedGreeting uses the package's own imports, under their own names.
func tracedGreeting(name string) string { return __weft_fmt.Sprint("hello ", __weft_str.ToUpper(name)) }
