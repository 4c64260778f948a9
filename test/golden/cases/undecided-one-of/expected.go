//line input.go:1:1
package main

import (
	"database/sql"
	"fmt"
)

func open() *sql.DB { return nil }

func main() {
	db := open()
	_ = /*line <generated>:1:1*/fmt.Sprint(/*line input.go:12:6*/fmt.Sprint(1)/*line <generated>:1:1*/)/*line input.go:12:19*/
	_, _ = db.Exec("x")
}
