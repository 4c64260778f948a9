//line input.go:1:1
package main

import (
	"fmt"
	"strconv"
)

// The marker characters U+E000 , U+E001 , U+E002  and the next one, U+E003 .
const marks = ""

func main() {
/*line <generated>:1:1*/{
_ = "main"
}
/*line input.go:11:14*/
	fmt.Println(/*line <generated>:1:1*/("[" + /*line input.go:12:14*/strconv.Quote("xy")/*line <generated>:1:1*/ + "]")/*line input.go:12:42*/, len(marks))
	f := func() string {
/*line <generated>:1:1*/{
_ = ""
}
/*line input.go:13:22*/ return `` }
	fmt.Println(f())
}
