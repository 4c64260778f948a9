//line input.go:1:1
package main

import "strings"

type Config struct {
	Name  string
	Count int
}

func local(xs ...int) int { return len(xs) }

func main() {
	parts := []string{"a", "b"}
	_ = /*line <generated>:1:1*/func() string {
  println("Join", "strings", "strings", 2, false)
  return /*line input.go:14:6*/strings.Join/*line <generated>:1:1*/(/*line input.go:14:19*/parts/*line <generated>:1:1*/, /*line input.go:14:26*/","/*line <generated>:1:1*/)
}()/*line input.go:14:30*/
	_ = /*line <generated>:1:1*/func() int {
  println("local", false)
  return /*line input.go:15:6*/local(1, 2)
/*line <generated>:1:1*/}()/*line input.go:15:17*/
	_ = /*line <generated>:1:1*/func() int {
  println("local", true)
  return /*line input.go:16:6*/local(parts2()...)
/*line <generated>:1:1*/}()/*line input.go:16:24*/
	_ = /*line <generated>:1:1*/func() /*line input.go:17:6*/Config/*line <generated>:1:1*/ {
  println("Name", /*line input.go:17:19*/"x"/*line <generated>:1:1*/)
  println("Count", /*line input.go:17:31*/2/*line <generated>:1:1*/)
  return /*line input.go:17:6*/Config{Name: "x", Count: 2}
/*line <generated>:1:1*/}()/*line input.go:17:33*/
}

func parts2() []int { return nil }
