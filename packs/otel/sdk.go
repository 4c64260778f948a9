package weftotel

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/contrib/propagators/autoprop"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// shutdownTimeout bounds the flush at exit: a program must still end when the collector is gone.
const shutdownTimeout = 5 * time.Second

var (
	startOnce sync.Once
	// provider is the SDK started by Start, nil while none runs (never started, disabled, or shut down).
	provider atomic.Pointer[sdktrace.TracerProvider]
	stopOnce sync.Once
)

// Start sets the SDK up from the OTEL_* variables and installs the flush on SIGINT and SIGTERM.
// The aspects call it at the top of main, as `defer weftotel.Start()()`; the function it returns
// flushes and stops the SDK. Later calls start nothing and return the same stop.
func Start() func() {
	startOnce.Do(start)
	return Stop
}

func start() {
	if isTrue(os.Getenv("OTEL_SDK_DISABLED")) {
		return
	}
	exporters, err := tracesExporters(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "weft otel: %v; no traces are exported\n", err)
		return
	}
	otel.SetTextMapPropagator(autoprop.NewTextMapPropagator())
	// The sampler (OTEL_TRACES_SAMPLER, _ARG), the resource (OTEL_SERVICE_NAME,
	// OTEL_RESOURCE_ATTRIBUTES) and the batch limits (OTEL_BSP_*) come from the SDK's own reading
	// of the environment.
	opts := make([]sdktrace.TracerProviderOption, 0, len(exporters))
	for _, e := range exporters {
		opts = append(opts, sdktrace.WithBatcher(e))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(tp)
	provider.Store(tp)
	watchSignals()
}

// Stop flushes the spans still buffered and stops the SDK. Safe to call more than once.
func Stop() {
	stopOnce.Do(func() {
		tp := provider.Swap(nil)
		if tp == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := tp.Shutdown(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "weft otel: flushing spans: %v\n", err)
		}
	})
}

// flush exports what is buffered without stopping the SDK (the program goes on).
func flush() {
	tp := provider.Load()
	if tp == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	_ = tp.ForceFlush(ctx)
}

// enabled says whether woven instrumentation should do anything: an SDK runs.
func enabled() bool { return provider.Load() != nil }

// tracesExporters reads OTEL_TRACES_EXPORTER (a comma-separated list; otlp when unset). The
// exporters are chosen here rather than through contrib's autoexport, which would compile the
// metrics, logs and Prometheus exporters into every program for a choice made at run time.
func tracesExporters(ctx context.Context) ([]sdktrace.SpanExporter, error) {
	names := os.Getenv("OTEL_TRACES_EXPORTER")
	if strings.TrimSpace(names) == "" {
		names = "otlp"
	}
	var out []sdktrace.SpanExporter
	for _, name := range strings.Split(names, ",") {
		switch strings.TrimSpace(name) {
		case "none":
			return nil, nil
		case "console":
			e, err := stdouttrace.New()
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		case "otlp":
			e, err := otlpExporter(ctx)
			if err != nil {
				return nil, err
			}
			// The exporter's own requests must not be traced by the woven net/http client.
			out = append(out, untracedExporter{e})
		default:
			return nil, fmt.Errorf("OTEL_TRACES_EXPORTER=%s: unknown exporter %q (otlp, console or none)", names, name)
		}
	}
	return out, nil
}

func otlpExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	protocol := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	switch protocol {
	case "", "http/protobuf":
		return otlptracehttp.New(ctx)
	case "grpc":
		return otlptracegrpc.New(ctx)
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL=%s is not supported (http/protobuf or grpc)", protocol)
	}
}

type untracedExporter struct{ sdktrace.SpanExporter }

func (e untracedExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	return e.SpanExporter.ExportSpans(untraced(ctx), spans)
}

func (e untracedExporter) Shutdown(ctx context.Context) error {
	return e.SpanExporter.Shutdown(untraced(ctx))
}

func isTrue(v string) bool {
	return strings.EqualFold(strings.TrimSpace(v), "true")
}
