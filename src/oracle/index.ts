// src/oracle: the type oracle's client (one child process per build, see client.ts) and the
// service that turns a compile's type questions into one batch and the answers into the
// weaver's TypeFacts (service.ts). The binary itself is built by src/install/ensure-oracle.ts.
// Sits beside src/resolve: may import toolexec, protocol, errors and weave's api and
// type-facts; nothing of the build above it (weaving, jobserver, plan, build, daemon, cli) nor pool.
// rooms: children errors protocol toolexec weave
export * from './client.js';
export * from './service.js';
