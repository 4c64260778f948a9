package weftotel

// gRPC: the aspects append GRPCServerOption to the program's grpc.NewServer calls and GRPCDialOption to
// its grpc.NewClient, Dial and DialContext calls. (grpc is compiled into every program with the
// pack anyway: the OTLP exporter speaks gRPC when OTEL_EXPORTER_OTLP_PROTOCOL=grpc.)

import (
	"context"
	"github.com/weft-dev/weft/packs/otel/internal/instrumentations"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"
)

// GRPCServerOption traces the server's calls with otelgrpc's stats handler.
func GRPCServerOption() grpc.ServerOption {
	if !instrumentations.GRPC || !enabled() {
		return grpc.EmptyServerOption{}
	}
	return grpc.StatsHandler(once{otelgrpc.NewServerHandler(), trace.SpanKindServer})
}

// GRPCDialOption traces the client's calls with otelgrpc's stats handler.
func GRPCDialOption() grpc.DialOption {
	if !instrumentations.GRPC || !enabled() {
		return grpc.EmptyDialOption{}
	}
	return grpc.WithStatsHandler(once{otelgrpc.NewClientHandler(), trace.SpanKindClient})
}

// once is otelgrpc's handler, stepping aside for the calls a stats handler the program added
// itself (otelgrpc's, before the woven one in the option list) already traces.
type once struct {
	stats.Handler
	kind trace.SpanKind
}

// skippedKey marks the calls stepped aside from, per kind: a server call's context flows into
// the handler, whose own client calls must still be traced.
type skippedKey struct{ kind trace.SpanKind }

func (o once) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	if s, ok := trace.SpanFromContext(ctx).(sdktrace.ReadOnlySpan); ok && s.SpanKind() == o.kind && s.EndTime().IsZero() && s.InstrumentationScope().Name == otelgrpc.ScopeName {
		return context.WithValue(ctx, skippedKey{o.kind}, true)
	}
	return o.Handler.TagRPC(ctx, info)
}

func (o once) HandleRPC(ctx context.Context, s stats.RPCStats) {
	if ctx.Value(skippedKey{o.kind}) != nil {
		return
	}
	o.Handler.HandleRPC(ctx, s)
}
