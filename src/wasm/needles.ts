// Byte-level needle helpers for whoever builds a needle set (the weaver derives needles from
// join points; this file knows nothing about Go). A needle set is an ordered list of byte
// strings; a scan answers with a bitset in the same order.
import { createHash } from 'node:crypto';
import { WeftError } from '../errors.js';

/** What a scan says about needles: bit i of `present` is set when needle i occurs. */
export interface NeedleBits {
  readonly present: Uint32Array;
}

const utf8 = new TextEncoder();

/** A needle as the bytes it is matched as: strings are UTF-8, byte arrays are used as given. */
export function encodeNeedle(needle: string | Uint8Array): Uint8Array {
  return typeof needle === 'string' ? utf8.encode(needle) : needle;
}

/** 32-bit words a bitset for `count` needles needs. */
export function bitsetWords(count: number): number {
  return (count + 31) >>> 5;
}

export function hasNeedle(result: NeedleBits, index: number): boolean {
  const word = result.present[index >>> 5];
  if (word === undefined || index < 0) return false;
  return (word & (1 << (index & 31))) !== 0;
}

/** True when every listed needle occurs (true for an empty list). */
export function hasAllNeedles(result: NeedleBits, indices: readonly number[]): boolean {
  for (const i of indices) if (!hasNeedle(result, i)) return false;
  return true;
}

/** True when at least one listed needle occurs (false for an empty list). */
export function hasAnyNeedle(result: NeedleBits, indices: readonly number[]): boolean {
  for (const i of indices) if (hasNeedle(result, i)) return true;
  return false;
}

/** Indices of the needles that occur, ascending. */
export function presentNeedles(result: NeedleBits): number[] {
  const out: number[] = [];
  for (let w = 0; w < result.present.length; w++) {
    let word = result.present[w] ?? 0;
    while (word !== 0) {
      const bit = 31 - Math.clz32(word & -word);
      out.push(w * 32 + bit);
      word &= word - 1;
    }
  }
  return out;
}

/**
 * Collects needles from many contributors, giving each distinct needle one index, so that
 * "import path net/http" from ten aspects costs one needle. Indices are stable in insertion order.
 */
export class NeedleListBuilder {
  readonly #index = new Map<string, number>();
  readonly #needles: string[] = [];

  /** The needle's index, adding it when new. Empty needles are refused: they would match everything. */
  add(needle: string): number {
    if (needle.length === 0) {
      throw new WeftError('E_INTERNAL', 'an empty pre-filter needle matches every file',
        { hint: 'derive needles only from non-empty byte strings a match cannot do without' });
    }
    const known = this.#index.get(needle);
    if (known !== undefined) return known;
    const i = this.#needles.length;
    this.#index.set(needle, i);
    this.#needles.push(needle);
    return i;
  }

  indexOf(needle: string): number | undefined {
    return this.#index.get(needle);
  }

  get size(): number {
    return this.#needles.length;
  }

  /** The needles in index order (a copy). */
  list(): string[] {
    return [...this.#needles];
  }
}

/** A stable id for a needle list: equal lists (same order) get equal ids in every thread. */
export function needleSetId(needles: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const n of needles) {
    const b = encodeNeedle(n);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    h.update(len).update(b);
  }
  return h.digest('hex').slice(0, 24);
}
