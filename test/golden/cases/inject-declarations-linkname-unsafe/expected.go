//line input.go:1:1
package main

import "fmt"
/*line <generated>:1:1*/import _ "unsafe"
/*line input.go:3:13*/

func main() {
/*line <generated>:1:1*/{
println(weftNanotime() > 0)
}
/*line input.go:5:14*/
	fmt.Println("hello")
}

/*line <generated>:1:1*/
//go:linkname weftNanotime runtime.nanotime
func weftNanotime() int64
