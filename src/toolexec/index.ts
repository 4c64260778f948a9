// src/toolexec: understanding the go command and its tool invocations — the go command line and
// GOFLAGS, compile and link command lines, importcfg files, ar archives and the weft.linkdeps
// member, the build flags a nested go command must repeat, and finding the go process a shim
// serves. Parsing, file formats and process lookups: must not weave, resolve packages, or
// import anything but the leaf modules.
// rooms: children errors
export * from './go-command-line.js';
export * from './compile-args.js';
export * from './importcfg.js';
export * from './archive.js';
export * from './link-deps.js';
export * from './link-args.js';
export * from './build-flags.js';
export * from './main-modules.js';
export * from './pgo-profiles.js';
export * from './go-process.js';
