//line input.go:1:1
package main

import "fmt"
/*line <generated>:1:1*/import __weft_log "log"
/*line input.go:3:13*/

func main() {
	/*line <generated>:1:1*/__weft_log.Println/*line input.go:6:13*/("hello")
	_ = fmt.Sprint("still used")
}
