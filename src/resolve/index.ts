// src/resolve: the directories of Go packages configuration names (config-packages.ts), and finding the archives of packages that woven code injects (`go list -export` with
// the build's own flags and toolexec, once per build, deduplicated, cycle-checked), the
// injected packages' content fingerprint, and the compile/link hooks that patch importcfgs,
// record link deps in archives and add blank imports to main packages.
// May import toolexec, config types, protocol types and errors; must not import weave (beyond
// its api types), pool or anything of the build above it (weaving and up), and never weaves.
// rooms: children config errors protocol relocate toolexec weave
export * from './go-list.js';
export * from './resolver.js';
export * from './inject.js';
export * from './config-packages.js';
export * from './listing-cache.js';
