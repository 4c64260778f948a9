//line input.go:1:1
package main

import (
	. "path/filepath"
	"strings"
)

type Config struct {
	Name  string
	Count int
}

func main() {
	parts := []string{"a", "b"}
	_ = /*line <generated>:1:1*/func() string {
  println("Join", "strings", "strings", 2, false)
  return /*line input.go:15:6*/strings.Join/*line <generated>:1:1*/(/*line input.go:15:19*/parts/*line <generated>:1:1*/, /*line input.go:15:26*/","/*line <generated>:1:1*/)
}()/*line input.go:15:30*/
	_ = /*line <generated>:1:1*/func() string {
  println("Join", false)
  return /*line input.go:16:6*/Join("a", "b")
/*line <generated>:1:1*/}()/*line input.go:16:20*/
	_ = /*line <generated>:1:1*/func() string {
  println("Join", true)
  return /*line input.go:17:6*/Join(parts...)
/*line <generated>:1:1*/}()/*line input.go:17:20*/
	_ = /*line <generated>:1:1*/func() /*line input.go:18:6*/Config/*line <generated>:1:1*/ {
  println("Name", /*line input.go:18:19*/"x"/*line <generated>:1:1*/)
  println("Count", /*line input.go:18:31*/2/*line <generated>:1:1*/)
  return /*line input.go:18:6*/Config{Name: "x", Count: 2}
/*line <generated>:1:1*/}()/*line input.go:18:33*/
}
