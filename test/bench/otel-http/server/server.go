// Package server is what both sides of the benchmark serve: the same handler and the same SDK
// setup. The pack's Start (woven at the top of main, or called by hand) sets the SDK up from
// OTEL_* (the benchmark sets OTEL_TRACES_SAMPLER=always_on, OTEL_TRACES_EXPORTER=none); Run adds a batch processor with an
// exporter that discards, and a processor that counts ended spans.
package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Handler answers a small body, as a typical JSON endpoint would.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /item/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%d,"name":"item-%d"}`, id, id)
	})
	return mux
}

type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

type counter struct{ n atomic.Int64 }

func (c *counter) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (c *counter) OnEnd(sdktrace.ReadOnlySpan)                     { c.n.Add(1) }
func (c *counter) Shutdown(context.Context) error                  { return nil }
func (c *counter) ForceFlush(context.Context) error                { return nil }

// Run serves h on a loopback port until its stdin closes, printing `listening <url>` first and
// `spans <n>` last. (Not a signal: the hand-built side's signal handling is not woven, so the
// pack would not know the program handles it.)
func Run(h http.Handler) {
	tp, ok := otel.GetTracerProvider().(*sdktrace.TracerProvider)
	if !ok {
		fmt.Fprintln(os.Stderr, "no OpenTelemetry SDK runs: was the program built with weft and the pack?")
		os.Exit(2)
	}
	spans := &counter{}
	tp.RegisterSpanProcessor(sdktrace.NewBatchSpanProcessor(discard{}))
	tp.RegisterSpanProcessor(spans)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	fmt.Printf("listening http://%s\n", l.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Shutdown(context.Background())
	fmt.Printf("spans %d\n", spans.n.Load())
}
