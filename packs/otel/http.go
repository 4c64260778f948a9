package weftotel

import (
	"context"
	"github.com/weft-dev/weft/packs/otel/internal/instrumentations"
	"net/http"
	"sync"
	_ "unsafe" // go:linkname: net/http reaches these functions without importing the pack

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// net/http cannot import this package (it imports net/http), so the aspects weave into net/http
// two body-less declarations bound with go:linkname to serverHandler and roundTrip, and call them
// first thing in serverHandler.ServeHTTP and (*Transport).RoundTrip. Every server and every
// *http.Transport client of the program goes through them, whoever built it.

// untracedKey marks a request context whose client call must not be traced: the exporter's own
// requests, and the inner call of the woven client span.
type untracedKey struct{}

func untraced(ctx context.Context) context.Context {
	return context.WithValue(ctx, untracedKey{}, true)
}

// servers holds per *http.Server the handler wrapped with otelhttp (wrapping costs instruments
// and options, so it is done once per server, not per request).
var servers sync.Map // *http.Server → http.Handler

//go:linkname serverHandler
func serverHandler(srv *http.Server) http.Handler {
	if !instrumentations.NetHTTP || !enabled() {
		return nil
	}
	if h, ok := servers.Load(srv); ok {
		return h.(http.Handler)
	}
	h := srv.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	if _, done := h.(instrumentedHandler); !done {
		h = otelhttp.NewHandler(h, "")
	}
	actual, _ := servers.LoadOrStore(srv, h)
	return actual.(http.Handler)
}

// instrumentedHandler marks a handler the program wrapped with otelhttp itself: the woven server
// does not wrap it again. The aspects wrap the program's calls to otelhttp.NewHandler in Handled.
type instrumentedHandler struct{ http.Handler }

// Handled marks h, the result of the program's own otelhttp.NewHandler, as instrumented already.
func Handled(h http.Handler) http.Handler { return instrumentedHandler{h} }

// HandledMiddleware does the same for the handlers made by the program's otelhttp.NewMiddleware.
func HandledMiddleware(m func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return instrumentedHandler{m(next)} }
}

var transports sync.Map // *http.Transport → *otelhttp.Transport

//go:linkname roundTrip
func roundTrip(t *http.Transport, req *http.Request) (*http.Response, error, bool) {
	if !instrumentations.NetHTTP || !enabled() {
		return nil, nil, false
	}
	ctx := req.Context()
	if ctx.Value(untracedKey{}) != nil || inOtelHTTPClientSpan(ctx) {
		return nil, nil, false
	}
	rt, ok := transports.Load(t)
	if !ok {
		rt, _ = transports.LoadOrStore(t, otelhttp.NewTransport(innerTransport{t}))
	}
	resp, err := rt.(*otelhttp.Transport).RoundTrip(req)
	return resp, err, true
}

// innerTransport is the transport otelhttp's client span wraps: the same *http.Transport, told
// not to trace again.
type innerTransport struct{ t *http.Transport }

func (i innerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return i.t.RoundTrip(req.WithContext(untraced(req.Context())))
}

// inOtelHTTPClientSpan says whether the request already runs inside a client span of otelhttp's
// own Transport (the program wrapped its client itself): the woven client does not add another.
func inOtelHTTPClientSpan(ctx context.Context) bool {
	s, ok := trace.SpanFromContext(ctx).(sdktrace.ReadOnlySpan)
	return ok && s.SpanKind() == trace.SpanKindClient && s.EndTime().IsZero() && s.InstrumentationScope().Name == otelhttp.ScopeName
}
