//line input_conn.go:1:1
package main

type Conn struct{}

func (c *Conn) Close() {}

//otelc:span
func exec() {
/*line <generated>:1:1*/{
println("not the mock", "exec")
}

{
println("conn file", "exec")
}
/*line input_conn.go:8:14*/}
