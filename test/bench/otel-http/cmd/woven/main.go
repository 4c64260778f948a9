// woven: the handler as written, instrumented by weft's OpenTelemetry pack.
package main

import "example.com/otel-bench/server"

func main() { server.Run(server.Handler()) }
