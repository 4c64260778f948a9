package main

type Config struct {
	N      int
	Traced bool
}

func main() {
	a := Config{N: 1}
	b := &Config{}
	_, _ = a, b
}
