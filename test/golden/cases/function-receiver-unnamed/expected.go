//line input.go:1:1
package main

type T struct{}

func (/*line <generated>:1:1*/__weft_recv /*line input.go:5:7*/*T) M() {
/*line <generated>:1:1*/{
_ = __weft_recv
}
/*line input.go:5:16*/ println("m") }

func main() { (&T{}).M() }
