package main

type Driver struct{}

func init() {}

//otelc:span
func connect() {}

func main() {
	connect()
	exec()
	mockExec()
}
