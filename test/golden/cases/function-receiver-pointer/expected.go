//line input.go:1:1
package main

type Server struct{ name string }

func (s *Server) Start() {
/*line <generated>:1:1*/{
println("method on", s.name)
}
/*line input.go:5:27*/ println("start") }

func (s Server) Value() {}

func main() {
	s := &Server{name: "x"}
	s.Start()
	s.Value()
}
