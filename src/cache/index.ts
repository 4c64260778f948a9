// src/cache: the content-addressed weave cache — keys (key.ts), relocatable values (value.ts),
// the local store with atomic writes, integrity checks, leases and LRU trimming (store.ts), a
// remote store on Bazel's HTTP cache protocol (remote.ts), one build's facade with its counters
// (weave-cache.ts), and weft's build identity (identity.ts). It stores and answers; it must not
// decide what to weave, and imports nothing of weft but errors.
// rooms: errors
export * from './identity.js';
export * from './key.js';
export * from './value.js';
export * from './store.js';
export * from './weave-cache.js';
export * from './size.js';
export * from './remote.js';
