// src/jobserver: the job server of one build — the socket in a private directory (listen.ts:
// stale socket cleanup, close), the transport-free session core (core.ts: Hello, one request,
// one deadline, rejection on close), what a compile or link request gets (handlers.ts: the
// plan's mark, woven files in the compile's $WORK, the importcfg and link hooks), the drop-in
// server of `go build -toolexec` set-ups (drop-in.ts), and `weft toolexec`, the shim's work in
// Node (node-shim.ts, with the TypeScript client and tool runner: client.ts, run-tool.ts).
// It answers requests through the hooks of a BuildContext (src/weaving) and never plans, weaves
// on this thread, installs or keeps a daemon: those rooms sit above it or plug in from below.
// rooms: errors install log protocol toolexec weave weaving
export * from './core.js';
export * from './handlers.js';
export * from './listen.js';
export * from './client.js';
export * from './drop-in.js';
export * from './run-tool.js';
export * from './node-shim.js';
export * from './private-dir.js';
