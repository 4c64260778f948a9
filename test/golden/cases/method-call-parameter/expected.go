//line input.go:1:1
package main

import "database/sql"
/*line <generated>:1:1*/import __weft_log "log"
/*line input.go:3:22*/

func list(db *sql.DB) {
	rows, err := /*line <generated>:1:1*/func() (*sql.Rows, error) { __weft_log.Print("query"); return /*line input.go:6:15*/db.Query("select 1")/*line <generated>:1:1*/ }()/*line input.go:6:35*/
	if err == nil {
		rows.Close()
	}
}

func main() { list(nil) }
