// src/build: what `weft go <sub> [args…]` runs, from its command line to go's exit — reading
// that command line (go-args.ts) and weft's options (options.ts), the driver (driver.ts:
// configuration and shim, the mode and its plan, the job server, go's arguments and
// environment; after go, the stale-plan check and statistics) and running go (run-go.ts).
// src/cli calls it in-process and src/daemon for a warm build; it imports neither.
// rooms: children errors install jobserver log owned-temp plan resolve toolexec weaving
export * from './driver.js';
export * from './go-args.js';
export * from './options.js';
export * from './prepare-injected.js';
export * from './run-go.js';
export * from './progress.js';
