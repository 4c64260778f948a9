//line input.go:1:1
package main

type Driver struct{}

func init() {}

//otelc:span
func connect() {
/*line <generated>:1:1*/{
println("not the mock", "connect")
}

{
println("driver file", "connect")
}
/*line input.go:8:17*/}

func main() {
	connect()
	exec()
	mockExec()
}
