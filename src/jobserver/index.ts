// src/server: the job server of one build — socket lifecycle (private directory, stale socket
// cleanup, close), the transport-free session core (Hello, one request, timeout, rejection on
// close), compile/link dispatch with the weaver/importcfg/linker hooks, per-build state and
// stats, the drop-in server, and the TypeScript client used by `weft toolexec`; plus what the
// everyday commands need from a build's point of view: installation facts (about.ts, for
// `version`), the doctor's checks (doctor.ts) and whole-package weaving outside a build
// (woven-packages.ts, for `diff` and `explain`; imported directly, not from here, so `weft go`
// does not load the weaver).
// Must not import src/cli. It may import toolexec, weave, resolve, cache, config and protocol;
// CPU-heavy work belongs in the pool, never on this thread.
// rooms: toolexec weave resolve cache config protocol errors
export * from '../weaving/build-context.js';
export * from './core.js';
export * from './handlers.js';
export * from './listen.js';
export * from './client.js';
export * from '../log.js';
export * from '../weaving/stats.js';
export * from '../install/version.js';
export * from '../weaving/prepare.js';
export * from '../diagnostics/about.js';
export * from './drop-in.js';
export * from './run-tool.js';
