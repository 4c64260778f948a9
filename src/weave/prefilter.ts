// The byte-level pre-filter: one scan of a file for every needle any planned aspect needs. The
// WASM multi-needle scanner does it when it loads; Buffer.indexOf per needle is the fallback
// (and is as fast for one or two needles).
import { readFileSync } from 'node:fs';
import { hasNeedle, loadScanner, type NeedleSet, type Scanner } from '../wasm/index.js';

export interface Prefilter {
  readonly name: string;
  /** Which of `needles` occur in bytes (same order). */
  scan(bytes: Uint8Array, needles: readonly string[]): boolean[];
  /**
   * Reads the file synchronously and answers like scan(), with its size. The WASM pre-filter
   * reads straight into its own memory, so no JS buffer is made unless `keep` asks for the bytes
   * scanned. Throws the fs error.
   */
  scanFile(path: string, needles: readonly string[], keep?: boolean): { present: boolean[]; size: number; bytes?: Uint8Array };
}

export const indexOfPrefilter: Prefilter = {
  name: 'indexOf',
  scan(bytes, needles) {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return needles.map((n) => buf.indexOf(n) >= 0);
  },
  scanFile(path, needles, keep) {
    const bytes = readFileSync(path);
    return { present: indexOfPrefilter.scan(bytes, needles), size: bytes.length, ...(keep === true ? { bytes } : {}) };
  },
};

class WasmPrefilter implements Prefilter {
  readonly name: string;
  private readonly sets = new Map<string, NeedleSet>();
  constructor(private readonly scanner: Scanner) {
    this.name = `wasm-${scanner.variant}`;
  }

  scan(bytes: Uint8Array, needles: readonly string[]): boolean[] {
    if (needles.length === 0) return [];
    if (needles.length <= 2 || needles.length > this.scanner.maxNeedles) return indexOfPrefilter.scan(bytes, needles);
    const r = this.scanner.scanBytes(bytes, this.#set(needles), { hash: false });
    return needles.map((_, i) => hasNeedle(r, i));
  }

  scanFile(path: string, needles: readonly string[], keep?: boolean): { present: boolean[]; size: number; bytes?: Uint8Array } {
    if (needles.length === 0 || needles.length > this.scanner.maxNeedles) return indexOfPrefilter.scanFile(path, needles, keep);
    const r = this.scanner.scanFile(path, this.#set(needles), { hash: false, keep: keep === true });
    return { present: needles.map((_, i) => hasNeedle(r, i)), size: r.size, ...(r.bytes !== undefined ? { bytes: r.bytes } : {}) };
  }

  #set(needles: readonly string[]): NeedleSet {
    const key = needles.join('\u0000');
    let set = this.sets.get(key);
    if (!set) {
      set = this.scanner.prepareNeedles(needles);
      if (this.sets.size > 64) this.sets.clear();
      this.sets.set(key, set);
    }
    return set;
  }
}

let shared: Prefilter | null = null;

/** The WASM pre-filter when its module is built and loads, else the indexOf fallback. Once per thread. */
export function defaultPrefilter(): Prefilter {
  if (shared) return shared;
  try {
    shared = new WasmPrefilter(loadScanner());
  } catch {
    shared = indexOfPrefilter;
  }
  return shared;
}
