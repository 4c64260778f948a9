//line input.go:1:1
package main

type Point struct{ X, Y int }

func main() {
	p := /*line <generated>:1:1*/func() /*line input.go:6:7*/Point/*line <generated>:1:1*/ {
  v := /*line input.go:6:7*/Point{X: 1, Y: 2 + 3}
/*line <generated>:1:1*/  println("X =", /*line input.go:6:16*/1/*line <generated>:1:1*/)
  println("Y =", /*line input.go:6:22*/2 + 3/*line <generated>:1:1*/)
  return v
}()/*line input.go:6:28*/
	println(p.X, p.Y)
}
