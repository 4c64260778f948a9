package main

type List[T any] struct{ items []T }

func (l *List[T]) Push(v T) { l.items = append(l.items, v) }

func (l *List[T]) Len() int { return len(l.items) }

func main() {
	var l List[int]
	l.Push(1)
	println(l.Len())
}
