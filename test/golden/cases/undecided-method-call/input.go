package main

import "database/sql"

func open() *sql.DB { return nil }

func main() {
	db := open()
	_, _ = db.Query("select 1")
}
