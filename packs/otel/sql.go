package weftotel

import (
	"database/sql"
	"database/sql/driver"
	"github.com/weft-dev/weft/packs/otel/internal/instrumentations"
	"strings"

	"github.com/XSAM/otelsql"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// Open replaces database/sql.Open in the program's calls: the database is opened through
// otelsql, which traces every call through the driver.
func Open(driverName, dataSourceName string) (*sql.DB, error) {
	if !instrumentations.DatabaseSQL || !enabled() {
		return sql.Open(driverName, dataSourceName)
	}
	return otelsql.Open(driverName, dataSourceName, sqlOptions(driverName)...)
}

// OpenDB replaces database/sql.OpenDB.
func OpenDB(c driver.Connector) *sql.DB {
	if !instrumentations.DatabaseSQL || !enabled() {
		return sql.OpenDB(c)
	}
	return otelsql.OpenDB(c, sqlOptions("")...)
}

func sqlOptions(driverName string) []otelsql.Option {
	opts := []otelsql.Option{
		// The spans that say what the program asked for; connection bookkeeping and one span
		// per fetched row would drown them.
		otelsql.WithSpanOptions(otelsql.SpanOptions{OmitConnResetSession: true, OmitRows: true, OmitConnectorConnect: true}),
	}
	if system := dbSystem(driverName); system.Valid() {
		opts = append(opts, otelsql.WithAttributes(system))
	}
	return opts
}

// dbSystem is db.system.name for the usual drivers' registered names.
func dbSystem(driverName string) attribute.KeyValue {
	switch d := strings.ToLower(driverName); {
	case strings.HasPrefix(d, "sqlite"):
		return semconv.DBSystemNameSQLite
	case d == "postgres" || d == "pgx" || strings.HasPrefix(d, "pgx/"):
		return semconv.DBSystemNamePostgreSQL
	case d == "mysql":
		return semconv.DBSystemNameMySQL
	case d == "sqlserver" || d == "mssql":
		return semconv.DBSystemNameMicrosoftSQLServer
	case d == "oracle" || d == "godror":
		return semconv.DBSystemNameOracleDB
	case d == "clickhouse":
		return semconv.DBSystemNameClickHouse
	case d == "":
		return attribute.KeyValue{}
	default:
		return semconv.DBSystemNameOtherSQL
	}
}
