//line input.go:1:1
package main

type Suite struct{ name string }

type Config struct {
	Name string

/*line <generated>:1:1*/suite *Suite
/*line input.go:7:1*/}

func Run(s *Suite, name string) {
/*line <generated>:1:1*/{
_ = "woven"
}
/*line input.go:9:34*/
	s.name = name
}

// Same shape but another package's Suite would not match; a different signature does not either.
func Skip(s *Suite) {}

func main() {
	Run(&Suite{}, "x")
	Skip(nil)
	_ = Config{}.suite
}
