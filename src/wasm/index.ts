// src/wasm: the typed face of the AssemblyScript pre-filter module (assembly/ → dist/wasm/):
// loading the SIMD or scalar build, needle sets, scanning bytes or files read straight into
// WASM memory, xxh64, and byte-level needle helpers. Owns no threads and no build state.
// Must not import anything from src/ but errors.ts (it sits below src/pool).
// rooms: errors
export {
  loadScanner, getThreadScanner, simdSupported, wasmPath,
  type Scanner, type ScannerVariant, type ScanStrategy, type NeedleSet, type ScanResult, type ScanOptions, type ScannerStats,
} from './scanner.js';
export {
  encodeNeedle, bitsetWords, hasNeedle, hasAllNeedles, hasAnyNeedle, presentNeedles, NeedleListBuilder, needleSetId,
  type NeedleBits,
} from './needles.js';
