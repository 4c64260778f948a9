// src/install: weft's own Go programs and stamps — building the shim with the user's go and the
// type oracle with the compile's toolchain, once, into the cache (ensure-shim.ts,
// ensure-oracle.ts), the pointer bin/weft reads to start the Go front end without Node
// (front-pointer.ts), weft's version, -V=full suffix and identity (version.ts), and the atomic
// small-file write they share (write-atomically.ts). Knows nothing of builds: it must not
// import anything above the cache and the leaf modules.
// rooms: cache children errors
export * from './ensure-shim.js';
export * from './ensure-oracle.js';
export * from './front-pointer.js';
export * from './version.js';
export * from './write-atomically.js';
