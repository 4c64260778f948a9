package main

type Server struct {
	Addr string
}

type Other struct{}

func main() {
	s := Server{Addr: ":80"}
	println(s.Addr, s.__weft_span == nil)
	_ = Other{}
}
