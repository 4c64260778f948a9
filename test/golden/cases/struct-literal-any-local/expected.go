//line input.go:1:1
package main

type Config struct {
	N      int
	Traced bool
}

func main() {
	a := Config/*line <generated>:1:1*/{
  Traced: true,
  /*line input.go:9:14*/N: 1/*line <generated>:1:1*/,
  
}/*line input.go:9:19*/
	b := &Config/*line <generated>:1:1*/{
  Traced: true,
  
}/*line input.go:10:16*/
	_, _ = a, b
}
