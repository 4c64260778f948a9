//line input.go:1:1
package main

import "fmt"

func main() {
	println(/*line <generated>:1:1*/(/*line input.go:6:10*/fmt.Sprint(1)/*line <generated>:1:1*/)/*line input.go:6:23*/, /*line <generated>:1:1*/(/*line input.go:6:25*/fmt.Sprintln(2)/*line <generated>:1:1*/)/*line input.go:6:40*/, fmt.Sprintf("%d", 3))
}
