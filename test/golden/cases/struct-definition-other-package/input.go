package main

type Server struct{}

func main() { _ = Server{} }
