//line input.go:1:1
package main
/*line <generated>:1:1*/import __weft_log "log"
/*line input.go:1:13*/

func work(log []string) {
/*line <generated>:1:1*/{
__weft_log.Print("work")
}
/*line input.go:3:26*/
	println(len(log))
}

func main() { work(nil) }
