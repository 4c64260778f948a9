// src/pool: the job server's worker-thread pool (Piscina) and the worker entry files that run
// in it — today the per-package pre-filter scan; other layers run their own worker files
// through WorkerPool.run. Holds no build state. May import src/wasm and errors.ts only; must
// not import weave, server, toolexec, resolve, cache or cli (they sit above it).
// rooms: wasm errors
export { createPool, type WorkerPool, type PoolOptions, type PoolStats, type RunOptions } from './pool.js';
export {
  scanPackage, createScanNeedles, unpackScan, unpackNeedles, SCAN_WORKER,
  type ScanNeedles, type ScanTask, type FileScan, type PackageScan,
} from './scan-task.js';
