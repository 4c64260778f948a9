// src/plan: deciding before go starts what a build weaves and how — the planned build (plan.ts:
// `go list -deps`, the screening, which packages get the mark and their own cache keys, the
// stale check after go) and the overlay build (overlay-mode.ts: when go's -overlay can carry
// the plan's woven files, no -toolexec at all), and plans kept across builds (plan-record.ts:
// what a plan was made from and whether it still holds; go-header.ts; plan-store.ts: plans of
// in-process builds kept in the weave cache; replay-record.ts: the decision of such a build, kept
// for the Go front end to run again without Node; injected-exports.ts: the archives of their
// injected packages, kept beside them). It reads the build through src/weaving's
// BuildContext; it must not import the job server, the driver, the daemon or the cli.
// rooms: cache errors file-stamp owned-temp relocate resolve toolexec weave weaving
export * from './plan.js';
export * from './overlay-mode.js';
export * from './plan-record.js';
export * from './go-header.js';
export * from './plan-store.js';
export * from './replay-record.js';
export * from './injected-exports.js';
