//line input.go:1:1
package main

import (
	. "net/http"
)
/*line <generated>:1:1*/import __weft_log "log"
/*line input.go:5:2*/

func main() {
	mux := /*line <generated>:1:1*/func() *ServeMux {
  mux := /*line input.go:8:9*/NewServeMux()
/*line <generated>:1:1*/  mux.Handle("/debug", NotFoundHandler())
  __weft_log.Print("mux wrapped")
  return mux
}()/*line input.go:8:22*/
	_ = &Server{Handler: mux}
}
