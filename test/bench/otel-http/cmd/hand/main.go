// hand: the same handler wrapped by hand with otelhttp (the pack steps aside for it).
package main

import (
	"example.com/otel-bench/server"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

func main() { server.Run(otelhttp.NewHandler(server.Handler(), "")) }
