package main

type Server struct{ name string }

func (s *Server) Start() {}

func (s Server) Value() {}

func main() {
	s := Server{name: "x"}
	s.Start()
	s.Value()
}
