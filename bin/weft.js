#!/usr/bin/env node
// weft's entry point: the compiled CLI lives in dist/ (npm run build).
// msgpackr's native extension costs ~25 ms to load and buys nothing for weft's small frames;
// every `weft go` pays its start-up once per build, so skip it (children do not inherit this).
const hadFlag = 'MSGPACKR_NATIVE_ACCELERATION_DISABLED' in process.env;
if (!hadFlag) process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED = 'true';
const { main } = await import('../dist/src/cli/index.js');
if (!hadFlag) delete process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED;

process.exitCode = await main(process.argv.slice(2));
// Whatever a library left running (a stray handle must never keep a finished build waiting),
// go's exit code is final: give stdout a moment to drain, then leave.
setTimeout(() => process.exit(), 2000).unref();
