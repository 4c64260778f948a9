package weftotel

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// withSDK runs f with an SDK whose spans are recorded in memory, as Start would set one up.
func withSDK(t *testing.T, f func()) tracetest.SpanStubs {
	t.Helper()
	rec := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	provider.Store(tp)
	defer func() {
		provider.Store(nil)
		otel.SetTracerProvider(prev)
	}()
	f()
	return rec.GetSpans()
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	out := map[string]string{}
	for _, kv := range kvs {
		out[string(kv.Key)] = kv.Value.Emit()
	}
	return out
}

func TestFuncSpanNameAndAttributes(t *testing.T) {
	cases := []struct {
		args  []string
		name  string
		attrs map[string]string
	}{
		{nil, "lookup", map[string]string{"code.function.name": "lookup"}},
		{[]string{"greeting.lookup", ""}, "greeting.lookup", map[string]string{"code.function.name": "lookup"}},
		{[]string{"greeting.lookup", "", "source=sqlite", "", "k", "v"}, "greeting.lookup", map[string]string{"code.function.name": "lookup", "source": "sqlite", "k": "v"}},
		// A first word with a value is an attribute, not the name.
		{[]string{"source=sqlite", ""}, "lookup", map[string]string{"code.function.name": "lookup", "source": "sqlite"}},
	}
	for _, c := range cases {
		spans := withSDK(t, func() {
			_, s := StartFuncSpan(context.Background(), "lookup", c.args...)
			s.End(nil)
		})
		if len(spans) != 1 || spans[0].Name != c.name {
			t.Fatalf("args %q: spans %v, want one named %q", c.args, spans, c.name)
		}
		if got := attrs(spans[0].Attributes); len(got) != len(c.attrs) {
			t.Fatalf("args %q: attributes %v, want %v", c.args, got, c.attrs)
		} else {
			for k, v := range c.attrs {
				if got[k] != v {
					t.Fatalf("args %q: attributes %v, want %v", c.args, got, c.attrs)
				}
			}
		}
	}
}

func TestFuncSpanRecordsTheErrorResultAndCarriesTheContext(t *testing.T) {
	var inner context.Context
	spans := withSDK(t, func() {
		err := errors.New("boom")
		ctx, s := StartFuncSpan(context.Background(), "f")
		inner = ctx
		s.End(&err)
	})
	if len(spans) != 1 || spans[0].Status.Code != codes.Error || spans[0].Status.Description != "boom" {
		t.Fatalf("spans %v, want one with status error boom", spans)
	}
	if len(spans[0].Events) != 1 || spans[0].Events[0].Name != "exception" {
		t.Fatalf("events %v, want one exception", spans[0].Events)
	}
	if got := spans[0].SpanContext.SpanID(); !got.IsValid() || inner == nil {
		t.Fatal("no span context")
	}
}

func TestNothingWithoutSDK(t *testing.T) {
	ctx := context.Background()
	got, s := StartFuncSpan(ctx, "f")
	if got != ctx || s.span != nil {
		t.Fatal("a span was started while no SDK runs")
	}
	s.End(nil)
}
