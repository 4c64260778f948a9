package main

import "database/sql"

func list(db *sql.DB) {
	rows, err := db.Query("select 1")
	if err == nil {
		rows.Close()
	}
}

func main() { list(nil) }
