package main

type Conn struct{}

func (c *Conn) Close() {}

//otelc:span
func exec() {}
