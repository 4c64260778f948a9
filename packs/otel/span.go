package weftotel

import (
	"context"
	"github.com/weft-dev/weft/packs/otel/internal/instrumentations"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the spans the pack makes itself (//weft:span).
const ScopeName = "github.com/weft-dev/weft/packs/otel"

// FuncSpan is the span of a function annotated with //weft:span.
type FuncSpan struct{ span trace.Span }

// StartFuncSpan starts the span of a //weft:span function. args are the directive's arguments
// as weft parses them, in (key, value) pairs: `name`, `key=value` and `key:value` words. The
// span is named after the first bare word, else the function; ctx is the function's
// context.Context argument (nil when it has none: the span then starts a trace).
func StartFuncSpan(ctx context.Context, function string, args ...string) (context.Context, FuncSpan) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !instrumentations.Span || !enabled() {
		return ctx, FuncSpan{}
	}
	name := function
	var attrs []attribute.KeyValue
	for i := 0; i+1 < len(args); i += 2 {
		k, v := args[i], args[i+1]
		if v == "" {
			if eq := strings.IndexByte(k, '='); eq > 0 {
				k, v = k[:eq], k[eq+1:]
			} else if i == 0 {
				name = k
				continue
			}
		}
		attrs = append(attrs, attribute.String(k, v))
	}
	attrs = append(attrs, attribute.String("code.function.name", function))
	ctx, span := otel.Tracer(ScopeName).Start(ctx, name, trace.WithAttributes(attrs...))
	return ctx, FuncSpan{span}
}

// End ends the span; err points to the function's error result (nil when it has none), whose
// value on return is recorded.
func (s FuncSpan) End(err *error) {
	if s.span == nil {
		return
	}
	if err != nil && *err != nil {
		s.span.RecordError(*err)
		s.span.SetStatus(codes.Error, (*err).Error())
	}
	s.span.End()
}

// StartRequestSpan starts the span of a //weft:span function whose context is its request's:
// the request it goes on with carries the span.
func StartRequestSpan(r **http.Request, function string, args ...string) FuncSpan {
	if *r == nil {
		_, s := StartFuncSpan(nil, function, args...)
		return s
	}
	ctx, s := StartFuncSpan((*r).Context(), function, args...)
	if s.span != nil {
		*r = (*r).WithContext(ctx)
	}
	return s
}
