// src/toolexec: understanding the go command's tool invocations — compile and link command
// lines, importcfg files, ar archives and the weft.linkdeps member, and the build flags a nested
// go command must repeat. Pure parsing and file formats: must not weave, resolve packages, or
// import server, cli, weave, resolve or pool.
export * from './compile-args.js';
export * from './importcfg.js';
export * from './archive.js';
export * from './link-deps.js';
export * from './link-args.js';
export * from './build-flags.js';
