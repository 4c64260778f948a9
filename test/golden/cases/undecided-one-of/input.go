package main

import (
	"database/sql"
	"fmt"
)

func open() *sql.DB { return nil }

func main() {
	db := open()
	_ = fmt.Sprint(1)
	_, _ = db.Exec("x")
}
