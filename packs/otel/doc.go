// Package weftotel is the runtime of weft's OpenTelemetry pack: the aspects in orchestrion.yml
// (beside this file) weave calls to it into a program, which then exports standard OTel traces
// without code of its own. A module turns the pack on the way orchestrion's bundles are turned
// on: its orchestrion.tool.go imports this package.
//
// The instrumentation is OpenTelemetry's own (otelhttp, otelgrpc, otelsql, the SDK); this
// package only sets the SDK up from the standard OTEL_* variables, finds the places to plug
// it in, and makes sure spans are flushed when the program ends.
package weftotel
