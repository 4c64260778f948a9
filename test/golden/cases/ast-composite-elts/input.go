package main

type Point struct{ X, Y int }

func main() {
	p := Point{X: 1, Y: 2 + 3}
	println(p.X, p.Y)
}
