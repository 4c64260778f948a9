package main

type store struct{}

func (store) Query(q string) string { return q }

func get() store { return store{} }

func main() {
	s := get()
	_ = s.Query("select 1")
}
