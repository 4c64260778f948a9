//line input.go:1:1
package main
/*line <generated>:1:1*/import __weft_sync "sync"
/*line input.go:1:13*/

type Server struct {
	Addr string

/*line <generated>:1:1*/__weft_span *__weft_sync.Mutex
/*line input.go:5:1*/}

type Other struct{}

func main() {
	s := Server{Addr: ":80"}
	println(s.Addr, s.__weft_span == nil)
	_ = Other{}
}
