// Package instrumentations decides, once per process, which of the pack's integrations run:
// OTEL_GO_ENABLED_INSTRUMENTATIONS and OTEL_GO_DISABLED_INSTRUMENTATIONS, comma-separated names,
// as otelc reads them (case and spaces ignored; with an enabled list only the names it holds
// run, then the disabled list removes names). The names are otelc's where otelc has the
// integration. Both variables are read when the program starts; after that an integration's
// switch is one package-level bool, so a disabled integration costs one branch per call.
package instrumentations

import (
	"os"
	"strings"
)

// The pack's integration names.
const (
	NameNetHTTP     = "nethttp"
	NameGRPC        = "grpc"
	NameDatabaseSQL = "databasesql"
	NameSlog        = "logs/slog"
	// NameSpan is weft's own: the spans of functions marked //weft:span.
	NameSpan = "span"
)

// Whether each integration runs in this process (fixed at start).
var (
	NetHTTP     = Enabled(NameNetHTTP)
	GRPC        = Enabled(NameGRPC)
	DatabaseSQL = Enabled(NameDatabaseSQL)
	Slog        = Enabled(NameSlog)
	Span        = Enabled(NameSpan)
)

// Lists are those of the environment at start; tests build their own with Decide.
var (
	enabledList  = os.Getenv("OTEL_GO_ENABLED_INSTRUMENTATIONS")
	disabledList = os.Getenv("OTEL_GO_DISABLED_INSTRUMENTATIONS")
)

// Enabled reports whether the integration called name runs, by the lists the process started with.
func Enabled(name string) bool {
	return Decide(name, enabledList, disabledList)
}

// Decide applies an enabled list (no names: every integration) and then a disabled list to name.
func Decide(name, enabled, disabled string) bool {
	name = strings.ToLower(strings.TrimSpace(name))
	if on := names(enabled); len(on) > 0 && !on[name] {
		return false
	}
	return !names(disabled)[name]
}

func names(list string) map[string]bool {
	set := map[string]bool{}
	for _, item := range strings.Split(list, ",") {
		if n := strings.ToLower(strings.TrimSpace(item)); n != "" {
			set[n] = true
		}
	}
	return set
}
