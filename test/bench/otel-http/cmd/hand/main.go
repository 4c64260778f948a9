// hand: the same handler wrapped by hand with otelhttp, built with plain go build (no weaving at
// all); the SDK is started by calling the pack's Start itself, so both sides set it up alike.
package main

import (
	"example.com/otel-bench/server"
	weftotel "github.com/weft-dev/weft/packs/otel"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

func main() {
	defer weftotel.Start()()
	server.Run(otelhttp.NewHandler(server.Handler(), ""))
}
