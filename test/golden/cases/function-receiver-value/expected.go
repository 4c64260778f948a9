//line input.go:1:1
package main

type Server struct{ name string }

func (s *Server) Start() {}

func (s Server) Value() {
/*line <generated>:1:1*/{
println("value receiver", s.name)
}
/*line input.go:7:26*/}

func main() {
	s := Server{name: "x"}
	s.Start()
	s.Value()
}
