package main

import (
	"fmt"
	"strconv"
)

// The marker characters U+E000 , U+E001 , U+E002  and the next one, U+E003 .
const marks = ""

func main() {
	fmt.Println(strconv.Quote("xy"), len(marks))
	f := func() string { return `` }
	fmt.Println(f())
}
