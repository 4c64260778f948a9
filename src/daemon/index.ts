// src/daemon: the warm per-module daemon behind `weft go` (docs/daemon-protocol.md) — the
// front end's side (client.ts: find, start or reach the module's daemon; status and stop), the
// daemon itself (daemon.ts: one per user and module, idle exit, watched directories), its
// builds (serve.ts: the same driver as an in-process build), its kept plans in memory
// (plan-cache.ts) and where it lives (paths.ts, mirrored by the Go front end). It sits above the
// build it serves; nothing but the cli imports it.
// rooms: build errors file-stamp install jobserver log owned-temp plan pool protocol weaving
export * from './client.js';
export * from './daemon.js';
export * from './serve.js';
export * from './plan-cache.js';
export * from './paths.js';
