package weftotel

import (
	"context"
	"github.com/weft-dev/weft/packs/otel/internal/instrumentations"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// NewLogger replaces log/slog.New in the program's calls: records logged with a context that
// carries a span get its trace_id and span_id, so logs and traces correlate.
func NewLogger(h slog.Handler) *slog.Logger {
	if _, done := h.(traceHandler); done || h == nil || !instrumentations.Slog {
		return slog.New(h)
	}
	return slog.New(traceHandler{h})
}

type traceHandler struct{ slog.Handler }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r = r.Clone()
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(attrs)}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}
