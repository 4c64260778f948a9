// src/pool: the build's worker-thread pool (Piscina) and the worker entry files that run
// in it — today the per-package pre-filter scan; other layers run their own worker files
// through WorkerPool.run. Holds no build state. May import src/wasm and errors.ts only; every
// other room sits above it.
// rooms: errors wasm
export { createPool, type WorkerPool, type PoolOptions, type PoolStats, type RunOptions } from './pool.js';
export {
  scanPackage, createScanNeedles, unpackScan, unpackNeedles, SCAN_WORKER,
  type ScanNeedles, type ScanTask, type FileScan, type PackageScan,
} from './scan-task.js';
