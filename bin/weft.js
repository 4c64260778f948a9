#!/usr/bin/env node
// weft's entry point: the compiled CLI lives in dist/ (npm run build).
import { main } from '../dist/src/cli/index.js';

process.exitCode = await main(process.argv.slice(2));
// Whatever a library left running (a stray handle must never keep a finished build waiting),
// go's exit code is final: give stdout a moment to drain, then leave.
setTimeout(() => process.exit(), 2000).unref();
