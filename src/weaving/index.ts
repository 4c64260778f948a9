// src/weaving: one build's weaving, as the job server and the planner reach it — the per-build
// state and its hooks (build-context.ts), setting a build up (prepare.ts: which configuration,
// which toolchain, where the module is; config-cache.ts, module-root.ts), the weaver hook with
// the weave cache in front (weaver.ts, weave-cache.ts, weave-input.ts), the type oracle's front
// (type-oracle.ts), the injection hooks (injection.ts) and the build's counters (stats.ts).
// src/weave is the library that weaves one package; this room plugs it into a build.
// It must not import the job server, the planner, the build driver, the daemon or the cli.
// rooms: cache children config errors heap install log oracle pool protocol relocate resolve toolexec weave
export * from './build-context.js';
export * from './prepare.js';
export * from './stats.js';
export * from './weaver.js';
export * from './weave-input.js';
export * from './weave-cache.js';
export * from './type-oracle.js';
export * from './config-cache.js';
export { inModuleCache } from './module-root.js';
