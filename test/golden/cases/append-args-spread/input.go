package main

import "path"

func main() {
	base := []string{"a", "b"}
	println(path.Join(base...))
}
