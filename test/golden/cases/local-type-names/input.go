package main

type Suite struct{ name string }

type Config struct {
	Name string
}

func Run(s *Suite, name string) {
	s.name = name
}

// Same shape but another package's Suite would not match; a different signature does not either.
func Skip(s *Suite) {}

func main() {
	Run(&Suite{}, "x")
	Skip(nil)
	_ = Config{}.suite
}
