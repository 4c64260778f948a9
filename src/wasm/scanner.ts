// Typed wrapper over the AssemblyScript scanner (assembly/index.ts, built into dist/wasm/).
// Two builds of one source: SIMD and a scalar fallback, chosen once per thread at load.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { WeftError } from '../errors.js';
import { bitsetWords, encodeNeedle } from './needles.js';

export type ScannerVariant = 'simd' | 'scalar';
/** How a scan searches: one SIMD pass per needle (`pairs`) or one bigram-table pass for all (`bigrams`). */
export type ScanStrategy = 'auto' | 'pairs' | 'bigrams';

/** A prepared, immutable needle list. Scanners install it into WASM memory when it is first used. */
export interface NeedleSet {
  /** Process-unique serial, so a scanner can tell whether this set is the one installed. */
  readonly serial: number;
  readonly count: number;
  /** Words in a result bitset: ceil(count / 32). */
  readonly words: number;
  readonly needles: readonly Uint8Array[];
  /** Byte length of each needle, then their bytes back to back (the layout the module reads). */
  readonly lengths: Int32Array;
  readonly bytes: Uint8Array;
}

export interface ScanResult {
  /** Bit i set when needle i occurs (see hasNeedle). */
  present: Uint32Array;
  /** xxh64 (seed 0) of the bytes, unsigned; 0n when hashing was turned off. */
  hash: bigint;
  /** Bytes scanned. */
  size: number;
  /** A copy of the bytes scanned, when `keep` asked for it. */
  bytes?: Uint8Array;
}

export interface ScanOptions {
  /** Compute xxh64 beside the scan (default true). */
  hash?: boolean;
  /** scanFile: also return the bytes it read (a caller that must use exactly the bytes it scanned). */
  keep?: boolean;
}

export interface ScannerStats {
  variant: ScannerVariant;
  /** Current WASM memory size in bytes. */
  memoryBytes: number;
  /** How often memory grew for a large input. */
  grows: number;
  /** Needle-set installs (a switch between sets costs one). */
  installs: number;
}

export interface Scanner {
  readonly variant: ScannerVariant;
  /** Most needles one set may hold. */
  readonly maxNeedles: number;
  prepareNeedles(needles: readonly (string | Uint8Array)[]): NeedleSet;
  scanBytes(bytes: Uint8Array, set: NeedleSet, opts?: ScanOptions): ScanResult;
  /** Reads the file straight into WASM memory and scans it. Throws the fs error (ENOENT, EISDIR, …). */
  scanFile(path: string, set: NeedleSet, opts?: ScanOptions): ScanResult;
  /**
   * Like scanFile, but writes the bitset into `out` at `offset` (set.words words) instead of
   * allocating: for scanning many files into one buffer.
   */
  scanFileInto(path: string, set: NeedleSet, out: Uint32Array, offset: number, opts?: ScanOptions): { hash: bigint; size: number };
  /** xxh64 of the bytes, unsigned 64-bit. */
  hash(bytes: Uint8Array, seed?: bigint): bigint;
  /** The strategy scans of `set` use (resolves `auto`). */
  strategyFor(set: NeedleSet): Exclude<ScanStrategy, 'auto'>;
  /** Forces a strategy (benchmarks, tests); `pairs` needs the SIMD variant. */
  setStrategy(strategy: ScanStrategy, pairLimit?: number): void;
  stats(): ScannerStats;
}

// The slice of the WebAssembly JS API used here, typed locally: the global's declarations live
// in TypeScript's DOM lib, which this project does not load.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface ScannerExports {
  memory: WasmMemory;
  needleBytesPtr(): number;
  needleLensPtr(): number;
  resultPtr(): number;
  maxNeedles(): number;
  needleBytesCapacity(): number;
  simdEnabled(): number;
  inputPtr(): number;
  inputCapacity(): number;
  ensureInput(len: number): number;
  setMode(mode: number, limit: number): void;
  activeMode(): number;
  prepare(count: number): number;
  scan(len: number): void;
  scanHash(len: number, seed: bigint): bigint;
  hash(len: number, seed: bigint): bigint;
}

// (module (func (result v128) i32.const 0 i8x16.splat)): validates only where SIMD exists.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b,
]);

let simdSupport: boolean | undefined;

/** Whether this engine runs WASM SIMD (checked once with a tiny module). */
export function simdSupported(): boolean {
  const supported = simdSupport ?? wasmApi.validate(SIMD_PROBE);
  simdSupport = supported;
  return supported;
}

const modules = new Map<ScannerVariant, WasmModule>();

/** Where a variant's .wasm lives: dist/wasm/, next to dist/src/wasm/ where this file runs. */
export function wasmPath(variant: ScannerVariant): URL {
  return new URL(`../../wasm/scanner-${variant}.wasm`, import.meta.url);
}

function compileVariant(variant: ScannerVariant): WasmModule {
  const cached = modules.get(variant);
  if (cached) return cached;
  let bytes: Buffer;
  try {
    bytes = readFileSync(wasmPath(variant));
  } catch (e) {
    throw new WeftError('E_WASM', `cannot read the ${variant} scanner module ${wasmPath(variant).pathname}: ${(e as Error).message}`,
      { hint: 'run `npm run build:wasm` (or `npm run build`) to build dist/wasm/', cause: e });
  }
  const mod = new wasmApi.Module(bytes);
  modules.set(variant, mod);
  return mod;
}

let nextSerial = 1;
let threadScanner: Scanner | undefined;

/**
 * This thread's shared scanner, loaded on first use: the scan worker and the weaver's worker run
 * in the same pool threads and need not each hold a module instance.
 */
export function getThreadScanner(): Scanner {
  threadScanner ??= loadScanner();
  return threadScanner;
}

/**
 * Loads the scanner (synchronously: the module is a few KB). Picks the SIMD build where the
 * engine supports SIMD and the scalar build elsewhere, unless `variant` asks for one.
 */
export function loadScanner(opts: { variant?: ScannerVariant } = {}): Scanner {
  let variant: ScannerVariant = opts.variant ?? (simdSupported() ? 'simd' : 'scalar');
  let mod: WasmModule;
  try {
    mod = compileVariant(variant);
  } catch (e) {
    // An engine that validates the probe but rejects the real module still gets a scanner.
    if (variant !== 'simd' || opts.variant === 'simd' || e instanceof WeftError) throw e;
    variant = 'scalar';
    mod = compileVariant(variant);
  }
  return new WasmScanner(variant, mod);
}

class WasmScanner implements Scanner {
  readonly variant: ScannerVariant;
  readonly maxNeedles: number;
  readonly #x: ScannerExports;
  #u8: Uint8Array;
  #u32: Uint32Array;
  #active = 0;
  #grows = 0;
  #installs = 0;
  readonly #inputPtr: number;
  readonly #resultPtr: number;
  readonly #needleCapacity: number;

  constructor(variant: ScannerVariant, mod: WasmModule) {
    this.variant = variant;
    // Filled in after instantiation; abort needs the memory to decode its strings.
    let memory: WasmMemory | undefined;
    const instance = new wasmApi.Instance(mod, {
      env: {
        abort: (msg: number, file: number, line: number, column: number): never => {
          throw new WeftError('E_WASM', `scanner module aborted: ${readString(memory, msg) || 'no message'}`, {
            location: { file: readString(memory, file) || 'assembly/index.ts', line, column },
            hint: 'this is a bug in weft; please report it with the file being scanned',
          });
        },
      },
    });
    this.#x = instance.exports as unknown as ScannerExports;
    memory = this.#x.memory;
    this.#u8 = new Uint8Array(memory.buffer);
    this.#u32 = new Uint32Array(memory.buffer);
    this.maxNeedles = this.#x.maxNeedles();
    this.#needleCapacity = this.#x.needleBytesCapacity();
    this.#inputPtr = this.#x.inputPtr();
    this.#resultPtr = this.#x.resultPtr();
  }

  prepareNeedles(needles: readonly (string | Uint8Array)[]): NeedleSet {
    if (needles.length > this.maxNeedles) {
      throw new WeftError('E_WASM', `a needle set holds at most ${this.maxNeedles} needles, got ${needles.length}`,
        { hint: 'split the needles into several sets' });
    }
    const encoded = needles.map((n) => encodeNeedle(n));
    const lengths = new Int32Array(encoded.length);
    let total = 0;
    encoded.forEach((b, i) => {
      lengths[i] = b.length;
      total += b.length;
    });
    if (total > this.#needleCapacity) {
      throw new WeftError('E_WASM', `needles total ${total} bytes; the scanner holds at most ${this.#needleCapacity}`,
        { hint: 'use fewer or shorter needles' });
    }
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const b of encoded) {
      bytes.set(b, off);
      off += b.length;
    }
    return Object.freeze({
      serial: nextSerial++, count: encoded.length, words: bitsetWords(encoded.length),
      needles: Object.freeze(encoded), lengths, bytes,
    });
  }

  scanBytes(bytes: Uint8Array, set: NeedleSet, opts: ScanOptions = {}): ScanResult {
    this.#install(set);
    this.#reserve(bytes.length);
    this.#u8.set(bytes, this.#inputPtr);
    const hash = this.#run(bytes.length, opts.hash !== false);
    return { present: this.#copyPresent(set), hash, size: bytes.length };
  }

  scanFile(path: string, set: NeedleSet, opts: ScanOptions = {}): ScanResult {
    this.#install(set);
    const size = this.#readFile(path);
    const bytes = opts.keep === true ? this.#u8.slice(this.#inputPtr, this.#inputPtr + size) : undefined;
    const hash = this.#run(size, opts.hash !== false);
    return { present: this.#copyPresent(set), hash, size, ...(bytes !== undefined ? { bytes } : {}) };
  }

  scanFileInto(path: string, set: NeedleSet, out: Uint32Array, offset: number, opts: ScanOptions = {}): { hash: bigint; size: number } {
    this.#install(set);
    const size = this.#readFile(path);
    const hash = this.#run(size, opts.hash !== false);
    const from = this.#resultPtr >>> 2;
    out.set(this.#u32.subarray(from, from + set.words), offset);
    return { hash, size };
  }

  hash(bytes: Uint8Array, seed = 0n): bigint {
    this.#reserve(bytes.length);
    this.#u8.set(bytes, this.#inputPtr);
    return BigInt.asUintN(64, this.#x.hash(bytes.length, BigInt.asIntN(64, seed)));
  }

  strategyFor(set: NeedleSet): Exclude<ScanStrategy, 'auto'> {
    this.#install(set);
    return this.#x.activeMode() === 1 ? 'pairs' : 'bigrams';
  }

  setStrategy(strategy: ScanStrategy, pairLimit = 0): void {
    if (strategy === 'pairs' && this.variant !== 'simd') {
      throw new WeftError('E_WASM', 'the pairs strategy needs the SIMD scanner');
    }
    this.#x.setMode(strategy === 'auto' ? 0 : strategy === 'pairs' ? 1 : 2, pairLimit);
  }

  stats(): ScannerStats {
    return { variant: this.variant, memoryBytes: this.#x.memory.buffer.byteLength, grows: this.#grows, installs: this.#installs };
  }

  #install(set: NeedleSet): void {
    if (this.#active === set.serial) return;
    // If prepare aborts halfway, no set is installed: the next scan must install again.
    this.#active = 0;
    new Int32Array(this.#x.memory.buffer, this.#x.needleLensPtr(), set.count).set(set.lengths);
    this.#u8.set(set.bytes, this.#x.needleBytesPtr());
    this.#x.prepare(set.count);
    this.#active = set.serial;
    this.#installs++;
  }

  #reserve(len: number): void {
    const r = this.#x.ensureInput(len);
    if (r < 0) {
      throw new WeftError('E_WASM', `cannot grow scanner memory to hold ${len} bytes`,
        { hint: 'the engine refused to grow WebAssembly memory; is the process short of memory?' });
    }
    if (r > 0 || this.#u8.buffer.byteLength === 0) {
      // Growing detaches the old ArrayBuffer: every view must be rebuilt.
      this.#grows += r > 0 ? 1 : 0;
      this.#u8 = new Uint8Array(this.#x.memory.buffer);
      this.#u32 = new Uint32Array(this.#x.memory.buffer);
    }
  }

  #readFile(path: string): number {
    const fd = openSync(path, 'r');
    try {
      let size = fstatSync(fd).size;
      this.#reserve(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, this.#u8, this.#inputPtr + got, size - got, null);
        if (n === 0) break; // the file shrank since fstat: scan what is there
        got += n;
      }
      size = got;
      return size;
    } finally {
      closeSync(fd);
    }
  }

  #run(len: number, withHash: boolean): bigint {
    if (withHash) return BigInt.asUintN(64, this.#x.scanHash(len, 0n));
    this.#x.scan(len);
    return 0n;
  }

  #copyPresent(set: NeedleSet): Uint32Array {
    const from = this.#resultPtr >>> 2;
    return this.#u32.slice(from, from + set.words);
  }

  /** Test hook: the raw exports, to drive the module past the wrapper's guards. */
  get rawExports(): ScannerExports {
    return this.#x;
  }
}

/** Reads an AssemblyScript string (UTF-16, byte length in the header word before it). */
function readString(memory: WasmMemory | undefined, ptr: number): string {
  if (!memory || ptr === 0) return '';
  const buf = memory.buffer;
  if (ptr < 4 || ptr > buf.byteLength) return '';
  const byteLen = new DataView(buf).getUint32(ptr - 4, true);
  if (ptr + byteLen > buf.byteLength) return '';
  return Buffer.from(buf, ptr, byteLen).toString('utf16le');
}
