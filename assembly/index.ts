// weft's byte-level pre-filter: which of a prepared set of needles occur in one file's bytes,
// plus xxh64 of the same bytes. Built twice from this one source (asconfig targets `simd` and
// `scalar`); ASC_FEATURE_SIMD picks the code path at compile time.
//
// Memory contract (everything is pointer + length, nothing allocates on the hot path):
//   static regions  needle bytes, needle lengths, result bitset, prepared tables
//   input region    from __heap_base (16-aligned) to the end of memory, minus SLACK bytes that
//                   loads may read past the input's end; grown only by ensureInput().
// The host writes needles into needleBytesPtr()/needleLensPtr(), calls prepare(count), then for
// each file writes the bytes at inputPtr() and calls scan(len) / scanHash(len, seed).
// Two strategies (see scanPairs and scanBigrams): with SIMD and up to 16 needles, one vector
// pass per needle probing two rare bytes; otherwise one pass for all needles over a table of
// each needle's least common byte pair. Both stop early once every needle was seen.
// Must not call back into JS (the only import is the runtime's abort).

import { COMMON_BIGRAMS } from './bigram-rank';

// ---------------------------------------------------------------------------------------------
// Limits and static regions

const MAX_NEEDLES: i32 = 1024;
const WORDS: i32 = MAX_NEEDLES >> 5;
const NEEDLE_BYTES_CAP: i32 = 65536;
/** Bytes past the input's end that the scanners may load (never interpret). */
const SLACK: usize = 128;

const needleBytes: usize = memory.data(NEEDLE_BYTES_CAP, 16);
const needleLens: usize = memory.data(MAX_NEEDLES * 4, 16);
const needleOffs: usize = memory.data(MAX_NEEDLES * 4, 16);
const resultBits: usize = memory.data(WORDS * 4, 16);
/** Needles that are empty: present in every input. */
const alwaysBits: usize = memory.data(WORDS * 4, 16);

// Pair strategy (SIMD): two probe offsets per needle, chosen at its rarest bytes.
const probe1: usize = memory.data(MAX_NEEDLES * 4, 16);
const probe2: usize = memory.data(MAX_NEEDLES * 4, 16);

// Bigram strategy: one adjacent byte pair per needle (its rarest), a 64 Ki-bit membership
// bitset and chains of needles per bigram (1-based indices, 0 ends a chain).
const bigramBits: usize = memory.data(8192, 16);
/** How common each byte pair is in Go source (0 rare … 255 most common), from COMMON_BIGRAMS. */
const bigramCommonness: usize = memory.data(65536, 16);
let commonnessReady = false;
/** The same membership as one byte per bigram: the unrolled scan loop tests four at once. */
const bigramBytes: usize = memory.data(65536, 16);
const bigramHead: usize = memory.data(65536 * 2, 16);
const bigramOff: usize = memory.data(MAX_NEEDLES * 4, 16);
const chainNext: usize = memory.data(MAX_NEEDLES * 2, 16);
/** Each needle's chosen bigram, so the next prepare() can clear exactly the heads it set. */
const needleBigram: usize = memory.data(MAX_NEEDLES * 2, 16);
/** Chains of one-byte needles, by byte value. */
const singleHead: usize = memory.data(256 * 2, 16);
/** Per-scan scratch: bigrams taken out of the tables because all their needles were found. */
const retiredBigrams: usize = memory.data(MAX_NEEDLES * 2, 16);
let retiredCount: i32 = 0;

/**
 * How common each byte value is in Go source: round(8·log2(count+1)) over every .go file of
 * GOROOT/src (Go 1.26). Probes go where this is smallest, so candidates are rare.
 */
const BYTE_FREQ: StaticArray<u8> = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 175, 172, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  189, 135, 158, 109, 99, 131, 133, 128, 160, 160, 140, 132, 168, 139, 161, 160, 173, 161, 158, 154, 155, 148, 154, 146, 152, 147, 159, 131, 131, 157, 127, 98,
  95, 153, 144, 151, 148, 154, 147, 139, 137, 151, 112, 129, 146, 147, 146, 150, 149, 125, 152, 155, 154, 140, 144, 133, 146, 131, 119, 143, 152, 143, 101, 155,
  124, 171, 155, 165, 163, 177, 164, 158, 157, 170, 126, 148, 165, 159, 172, 169, 161, 128, 172, 170, 175, 163, 153, 147, 168, 154, 132, 154, 130, 154, 95, 0,
  92, 83, 89, 87, 78, 85, 79, 71, 85, 79, 81, 69, 75, 64, 71, 63, 74, 69, 70, 74, 80, 75, 68, 78, 78, 80, 61, 62, 80, 82, 73, 64,
  68, 71, 68, 70, 79, 78, 73, 75, 70, 80, 74, 76, 78, 76, 71, 67, 67, 78, 77, 77, 70, 71, 68, 77, 69, 84, 75, 73, 83, 75, 79, 67,
  0, 0, 90, 76, 53, 47, 22, 61, 46, 67, 66, 50, 77, 66, 90, 73, 63, 59, 21, 38, 40, 63, 63, 66, 89, 91, 57, 58, 40, 8, 19, 28,
  73, 85, 102, 89, 72, 79, 83, 75, 74, 63, 62, 40, 50, 38, 8, 55, 76, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

// ---------------------------------------------------------------------------------------------
// State of the prepared needle set

let needleCount: i32 = 0;
let maxNeedleLen: i32 = 0;
/** Non-empty needles: the scan can stop once all of them were found. */
let nonEmptyCount: i32 = 0;
/** 0 = automatic, 1 = pair strategy (SIMD builds only), 2 = bigram strategy. */
let forcedMode: i32 = 0;
/** Above this many needles the SIMD build switches to the bigram strategy (measured, see bench). */
let pairLimit: i32 = 16;

// ---------------------------------------------------------------------------------------------
// Exports: layout

export function needleBytesPtr(): usize { return needleBytes; }
export function needleLensPtr(): usize { return needleLens; }
export function resultPtr(): usize { return resultBits; }
export function maxNeedles(): i32 { return MAX_NEEDLES; }
export function needleBytesCapacity(): i32 { return NEEDLE_BYTES_CAP; }
export function simdEnabled(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }

export function inputPtr(): usize {
  return (__heap_base + 15) & ~<usize>15;
}

/** Bytes the input region can hold now, keeping SLACK bytes of readable memory after them. */
export function inputCapacity(): usize {
  const end = <usize>memory.size() << 16;
  const start = inputPtr();
  return end > start + SLACK ? end - start - SLACK : 0;
}

/**
 * Makes room for `len` input bytes, growing memory if it must. Returns 1 when memory grew (the
 * host must rebuild its views), 0 when it did not, -1 when the engine refused to grow.
 */
export function ensureInput(len: usize): i32 {
  if (len <= inputCapacity()) return 0;
  const needEnd = inputPtr() + len + SLACK;
  const have = <usize>memory.size();
  const needPages = (needEnd + 0xffff) >> 16;
  // Grow by at least a quarter so a run of slightly larger files does not grow every time.
  let add = needPages - have;
  const quarter = have >> 2;
  if (add < quarter) add = quarter;
  if (memory.grow(<i32>add) < 0) {
    if (memory.grow(<i32>(needPages - have)) < 0) return -1;
  }
  return 1;
}

/** 0 automatic; 1 force the SIMD pair strategy; 2 force the bigram strategy. Benchmarks only. */
export function setMode(mode: i32, limit: i32): void {
  forcedMode = mode;
  if (limit > 0) pairLimit = limit;
}

/** The strategy a scan with the current needle set uses: 1 pairs, 2 bigrams. */
export function activeMode(): i32 {
  if (!ASC_FEATURE_SIMD) return 2;
  if (forcedMode != 0) return forcedMode;
  return nonEmptyCount <= pairLimit ? 1 : 2;
}

// ---------------------------------------------------------------------------------------------
// Preparing a needle set

/**
 * Prepares the `count` needles whose lengths the host wrote at needleLensPtr() and whose bytes
 * it wrote back to back at needleBytesPtr(). Returns the number of non-empty needles.
 */
export function prepare(count: i32): i32 {
  if (count < 0 || count > MAX_NEEDLES) throw new Error('needle count out of range');
  clearBigrams();
  memory.fill(alwaysBits, 0, WORDS * 4);
  needleCount = count;
  maxNeedleLen = 0;
  nonEmptyCount = 0;
  let off: i32 = 0;
  for (let i: i32 = 0; i < count; i++) {
    const len = load<i32>(needleLens + (<usize>i << 2));
    if (len < 0 || off + len > NEEDLE_BYTES_CAP) throw new Error('needle bytes exceed the needle buffer');
    store<i32>(needleOffs + (<usize>i << 2), off);
    if (len > maxNeedleLen) maxNeedleLen = len;
    if (len == 0) {
      setBit(alwaysBits, i);
    } else {
      nonEmptyCount++;
      preparePair(i, needleBytes + <usize>off, len);
      prepareBigram(i, needleBytes + <usize>off, len);
    }
    off += len;
  }
  return nonEmptyCount;
}

function loadCommonness(): void {
  const n = COMMON_BIGRAMS.length;
  for (let r = 0; r < n; r++) {
    store<u8>(bigramCommonness + <usize>unchecked(COMMON_BIGRAMS[r]), <u8>(1 + ((n - 1 - r) * 254) / (n - 1)));
  }
  commonnessReady = true;
}

function clearBigrams(): void {
  if (!commonnessReady) loadCommonness();
  retiredCount = 0; // the tables are rebuilt from scratch below
  memory.fill(bigramBits, 0, 8192);
  memory.fill(bigramBytes, 0, 65536);
  memory.fill(singleHead, 0, 256 * 2);
  // Only the heads the previous set used are non-zero: clear those instead of 128 KiB. (The
  // host has already overwritten the previous needles' bytes, hence needleBigram.)
  for (let i: i32 = 0; i < needleCount; i++) {
    store<u16>(bigramHead + (<usize>load<u16>(needleBigram + (<usize>i << 1)) << 1), 0);
  }
}

function preparePair(i: i32, p: usize, len: i32): void {
  // Two distinct offsets at the rarest bytes; for one byte both probe the same place.
  let best1: i32 = 0;
  let f1: i32 = 0x7fffffff;
  for (let k: i32 = 0; k < len; k++) {
    const f = <i32>unchecked(BYTE_FREQ[load<u8>(p + <usize>k)]);
    if (f < f1) { f1 = f; best1 = k; }
  }
  let best2: i32 = best1;
  let f2: i32 = 0x7fffffff;
  for (let k: i32 = 0; k < len; k++) {
    if (k == best1) continue;
    // Prefer a second probe that is not the same byte value: equal bytes give no extra filtering.
    let f = <i32>unchecked(BYTE_FREQ[load<u8>(p + <usize>k)]);
    if (load<u8>(p + <usize>k) == load<u8>(p + <usize>best1)) f += 256;
    if (f < f2) { f2 = f; best2 = k; }
  }
  store<i32>(probe1 + (<usize>i << 2), best1);
  store<i32>(probe2 + (<usize>i << 2), best2);
}

function prepareBigram(i: i32, p: usize, len: i32): void {
  if (len == 1) {
    const b = <usize>load<u8>(p);
    store<u16>(chainNext + (<usize>i << 1), load<u16>(singleHead + (b << 1)));
    store<u16>(singleHead + (b << 1), <u16>(i + 1));
    // Every pair starting with this byte is a candidate position.
    for (let x: usize = 0; x < 256; x++) {
      setBit(bigramBits, <i32>((x << 8) | b));
      store<u8>(bigramBytes + ((x << 8) | b), 1);
    }
    return;
  }
  let best: i32 = 0;
  let bestF: i32 = 0x7fffffff;
  for (let k: i32 = 0; k + 1 < len; k++) {
    // The pair's own commonness first; the bytes' commonness breaks ties among rare pairs.
    const f = (<i32>load<u8>(bigramCommonness + <usize>load<u16>(p + <usize>k)) << 10) +
      <i32>unchecked(BYTE_FREQ[load<u8>(p + <usize>k)]) + <i32>unchecked(BYTE_FREQ[load<u8>(p + <usize>k + 1)]);
    if (f < bestF) { bestF = f; best = k; }
  }
  store<i32>(bigramOff + (<usize>i << 2), best);
  const bg = <usize>load<u16>(p + <usize>best);
  store<u16>(needleBigram + (<usize>i << 1), <u16>bg);
  setBit(bigramBits, <i32>bg);
  store<u8>(bigramBytes + bg, 1);
  store<u16>(chainNext + (<usize>i << 1), load<u16>(bigramHead + (bg << 1)));
  store<u16>(bigramHead + (bg << 1), <u16>(i + 1));
}

// ---------------------------------------------------------------------------------------------
// Scanning

/** Fills the result bitset (bit i = needle i occurs in the input's first `len` bytes). */
export function scan(len: usize): void {
  if (len > inputCapacity()) throw new Error('input length exceeds the input buffer; call ensureInput first');
  const base = inputPtr();
  // Zero the slack so loads past the end see the same bytes whatever the previous file was.
  memory.fill(base + len, 0, SLACK);
  memory.copy(resultBits, alwaysBits, WORDS * 4);
  if (nonEmptyCount == 0 || len == 0) return;
  if (activeMode() == 1) scanPairs(base, <i32>len);
  else scanBigrams(base, <i32>len);
}

/** scan(len) and xxh64 of the same bytes; the bitset is at resultPtr(). */
export function scanHash(len: usize, seed: u64): u64 {
  scan(len);
  return xxh64(inputPtr(), len, seed);
}

/** xxh64 of the input region's first `len` bytes. */
export function hash(len: usize, seed: u64): u64 {
  if (len > inputCapacity()) throw new Error('input length exceeds the input buffer; call ensureInput first');
  return xxh64(inputPtr(), len, seed);
}

// @ts-ignore: decorator
@inline function setBit(bits: usize, i: i32): void {
  const p = bits + (<usize>(i >>> 5) << 2);
  store<u32>(p, load<u32>(p) | (<u32>1 << (<u32>i & 31)));
}

// @ts-ignore: decorator
@inline function clearBit(bits: usize, i: i32): void {
  const p = bits + (<usize>(i >>> 5) << 2);
  store<u32>(p, load<u32>(p) & ~(<u32>1 << (<u32>i & 31)));
}

// @ts-ignore: decorator
@inline function testBit(bits: usize, i: i32): bool {
  return (load<u32>(bits + (<usize>(i >>> 5) << 2)) & (<u32>1 << (<u32>i & 31))) != 0;
}

function bytesEqual(a: usize, b: usize, len: i32): bool {
  let n = <usize>len;
  while (n >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8; b += 8; n -= 8;
  }
  while (n > 0) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++; b++; n--;
  }
  return true;
}

/**
 * One pass per needle, 64 bytes per step: compare the bytes at the needle's two probe offsets
 * against splats, verify the few candidates. A needle stops as soon as it is found, so common
 * needles cost little; absent ones cost ~2 compares per 16 bytes.
 */
function scanPairs(base: usize, len: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  for (let i: i32 = 0; i < needleCount; i++) {
    const nlen = load<i32>(needleLens + (<usize>i << 2));
    if (nlen == 0 || nlen > len) continue;
    const np = needleBytes + <usize>load<i32>(needleOffs + (<usize>i << 2));
    const o1 = <usize>load<i32>(probe1 + (<usize>i << 2));
    const o2 = <usize>load<i32>(probe2 + (<usize>i << 2));
    const s1 = i8x16.splat(load<i8>(np + o1));
    const s2 = i8x16.splat(load<i8>(np + o2));
    const last = <usize>(len - nlen); // last valid start offset
    const p1 = base + o1;
    const p2 = base + o2;
    let found = false;
    let at: usize = 0;
    while (at <= last) {
      const m0 = v128.and(i8x16.eq(v128.load(p1 + at), s1), i8x16.eq(v128.load(p2 + at), s2));
      const m1 = v128.and(i8x16.eq(v128.load(p1 + at, 16), s1), i8x16.eq(v128.load(p2 + at, 16), s2));
      const m2 = v128.and(i8x16.eq(v128.load(p1 + at, 32), s1), i8x16.eq(v128.load(p2 + at, 32), s2));
      const m3 = v128.and(i8x16.eq(v128.load(p1 + at, 48), s1), i8x16.eq(v128.load(p2 + at, 48), s2));
      if (v128.any_true(v128.or(v128.or(m0, m1), v128.or(m2, m3)))) {
        const bits: u64 = <u64><u32>i8x16.bitmask(m0) | (<u64><u32>i8x16.bitmask(m1) << 16) |
          (<u64><u32>i8x16.bitmask(m2) << 32) | (<u64><u32>i8x16.bitmask(m3) << 48);
        let b = bits;
        while (b != 0) {
          const s = at + <usize>ctz<u64>(b);
          if (s > last) break;
          if (bytesEqual(base + s, np, nlen)) { found = true; break; }
          b &= b - 1;
        }
        if (found) break;
      }
      at += 64;
    }
    if (found) setBit(resultBits, i);
  }
}

/**
 * One pass over the input for all needles: look up each adjacent byte pair in a 64 Ki-bit set
 * of the needles' rarest pairs and verify the chain of needles behind a hit. Its cost hardly
 * depends on the number of needles, so it serves large sets and the scalar build.
 */
function scanBigrams(base: usize, len: i32): void {
  restoreRetired();
  remainingBigram = nonEmptyCount;
  const ulen = <usize>len;
  let i: usize = 0;
  // Four positions per step from one 8-byte load; most steps see no member bigram at all.
  while (i + 4 <= ulen) {
    const w = load<u64>(base + i);
    const b0 = <usize>(w & 0xffff);
    const b1 = <usize>((w >> 8) & 0xffff);
    const b2 = <usize>((w >> 16) & 0xffff);
    const b3 = <usize>((w >> 24) & 0xffff);
    const hit = load<u8>(bigramBytes + b0) | load<u8>(bigramBytes + b1) | load<u8>(bigramBytes + b2) | load<u8>(bigramBytes + b3);
    if (hit != 0) {
      if (load<u8>(bigramBytes + b0) != 0 && verifyBigram(base, ulen, i, <i32>b0)) return;
      if (load<u8>(bigramBytes + b1) != 0 && verifyBigram(base, ulen, i + 1, <i32>b1)) return;
      if (load<u8>(bigramBytes + b2) != 0 && verifyBigram(base, ulen, i + 2, <i32>b2)) return;
      if (load<u8>(bigramBytes + b3) != 0 && verifyBigram(base, ulen, i + 3, <i32>b3)) return;
    }
    i += 4;
  }
  while (i < ulen) {
    const bg = <i32>load<u16>(base + i);
    if (testBit(bigramBits, bg) && verifyBigram(base, ulen, i, bg)) return;
    i++;
  }
}

/**
 * Once every needle behind a bigram is found, the bigram stops being a candidate for the rest
 * of this input: common needles then cost nothing after their first occurrence.
 */
function retireIfDone(bg: i32): void {
  // A one-byte needle on the pair's first byte keeps it alive.
  if (load<u16>(singleHead + (<usize>(bg & 0xff) << 1)) != 0) return;
  let n = <i32>load<u16>(bigramHead + (<usize>bg << 1));
  while (n != 0) {
    if (!testBit(resultBits, n - 1)) return;
    n = <i32>load<u16>(chainNext + (<usize>(n - 1) << 1));
  }
  store<u8>(bigramBytes + <usize>bg, 0);
  clearBit(bigramBits, bg);
  store<u16>(retiredBigrams + (<usize>retiredCount << 1), <u16>bg);
  retiredCount++;
}

function restoreRetired(): void {
  for (let k: i32 = 0; k < retiredCount; k++) {
    const bg = <i32>load<u16>(retiredBigrams + (<usize>k << 1));
    store<u8>(bigramBytes + <usize>bg, 1);
    setBit(bigramBits, bg);
  }
  retiredCount = 0;
}

/** Needles not found yet in the current bigram scan; the scan stops at zero. */
let remainingBigram: i32 = 0;

/** Checks the needles behind bigram `bg` at input offset i; true when every needle was found. */
function verifyBigram(base: usize, ulen: usize, i: usize, bg: i32): bool {
  // Multi-byte needles whose rarest pair is this one, starting `off` bytes earlier.
  let n = <i32>load<u16>(bigramHead + (<usize>bg << 1));
  while (n != 0) {
    const idx = n - 1;
    if (!testBit(resultBits, idx)) {
      const off = <usize>load<i32>(bigramOff + (<usize>idx << 2));
      const nlen = load<i32>(needleLens + (<usize>idx << 2));
      if (i >= off && i - off + <usize>nlen <= ulen &&
        bytesEqual(base + i - off, needleBytes + <usize>load<i32>(needleOffs + (<usize>idx << 2)), nlen)) {
        setBit(resultBits, idx);
        if (--remainingBigram == 0) return true;
        retireIfDone(bg);
      }
    }
    n = <i32>load<u16>(chainNext + (<usize>idx << 1));
  }
  n = <i32>load<u16>(singleHead + (<usize>(bg & 0xff) << 1));
  while (n != 0) {
    const idx = n - 1;
    if (!testBit(resultBits, idx)) {
      setBit(resultBits, idx);
      if (--remainingBigram == 0) return true;
    }
    n = <i32>load<u16>(chainNext + (<usize>idx << 1));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// xxh64 (Yann Collet's XXH64, from its published specification)

const P1: u64 = 0x9E3779B185EBCA87;
const P2: u64 = 0xC2B2AE3D27D4EB4F;
const P3: u64 = 0x165667B19E3779F9;
const P4: u64 = 0x85EBCA77C2B2AE63;
const P5: u64 = 0x27D4EB2F165667C5;

// @ts-ignore: decorator
@inline function round(acc: u64, lane: u64): u64 {
  return rotl<u64>(acc + lane * P2, 31) * P1;
}

// @ts-ignore: decorator
@inline function mergeRound(acc: u64, val: u64): u64 {
  return (acc ^ round(0, val)) * P1 + P4;
}

function xxh64(p: usize, len: usize, seed: u64): u64 {
  const end = p + len;
  let h: u64;
  if (len >= 32) {
    let v1 = seed + P1 + P2;
    let v2 = seed + P2;
    let v3 = seed;
    let v4 = seed - P1;
    const limit = end - 32;
    while (p <= limit) {
      v1 = round(v1, load<u64>(p));
      v2 = round(v2, load<u64>(p, 8));
      v3 = round(v3, load<u64>(p, 16));
      v4 = round(v4, load<u64>(p, 24));
      p += 32;
    }
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = seed + P5;
  }
  h += <u64>len;
  while (p + 8 <= end) {
    h ^= round(0, load<u64>(p));
    h = rotl<u64>(h, 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= <u64>load<u32>(p) * P1;
    h = rotl<u64>(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= <u64>load<u8>(p) * P5;
    h = rotl<u64>(h, 11) * P1;
    p++;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}
