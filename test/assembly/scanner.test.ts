// The WASM module against plain-JS references: the multi-needle scan (both builds, every
// strategy) on generated inputs and on every .go file of GOROOT/src, and xxh64 against the
// specification's published vectors and a BigInt implementation written from the spec.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeftError } from '../../src/errors.js';
import { hasNeedle, loadScanner, simdSupported, type Scanner, type ScanStrategy } from '../../src/wasm/index.js';

// ---------------------------------------------------------------------------------------------
// References

/** Naive reference: needle i is present when it equals the bytes at some start offset. */
function refPresent(bytes: Uint8Array, needles: readonly Uint8Array[]): boolean[] {
  return needles.map((n) => {
    for (let s = 0; s + n.length <= bytes.length; s++) {
      let k = 0;
      while (k < n.length && bytes[s + k] === n[k]) k++;
      if (k === n.length) return true;
    }
    return false;
  });
}

const M64 = (1n << 64n) - 1n;
const XP1 = 0x9E3779B185EBCA87n;
const XP2 = 0xC2B2AE3D27D4EB4Fn;
const XP3 = 0x165667B19E3779F9n;
const XP4 = 0x85EBCA77C2B2AE63n;
const XP5 = 0x27D4EB2F165667C5n;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;
const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const add = (a: bigint, b: bigint): bigint => (a + b) & M64;
const xround = (acc: bigint, lane: bigint): bigint => mul(rotl(add(acc, mul(lane, XP2)), 31n), XP1);
const readU64 = (b: Uint8Array, p: number): bigint => {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[p + i]!);
  return v;
};
const readU32 = (b: Uint8Array, p: number): bigint => BigInt((b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0);

/** XXH64 written from the specification (xxhash doc/xxhash_spec.md), slow and obvious. */
function refXxh64(b: Uint8Array, seed = 0n): bigint {
  let p = 0;
  const len = b.length;
  let h: bigint;
  if (len >= 32) {
    let v1 = add(add(seed, XP1), XP2);
    let v2 = add(seed, XP2);
    let v3 = seed;
    let v4 = (seed - XP1) & M64;
    while (p + 32 <= len) {
      v1 = xround(v1, readU64(b, p));
      v2 = xround(v2, readU64(b, p + 8));
      v3 = xround(v3, readU64(b, p + 16));
      v4 = xround(v4, readU64(b, p + 24));
      p += 32;
    }
    h = add(add(rotl(v1, 1n), rotl(v2, 7n)), add(rotl(v3, 12n), rotl(v4, 18n)));
    for (const v of [v1, v2, v3, v4]) h = add(mul(h ^ xround(0n, v), XP1), XP4);
  } else {
    h = add(seed, XP5);
  }
  h = add(h, BigInt(len));
  while (p + 8 <= len) {
    h = add(mul(rotl(h ^ xround(0n, readU64(b, p)), 27n), XP1), XP4);
    p += 8;
  }
  if (p + 4 <= len) {
    h = add(mul(rotl(h ^ mul(readU32(b, p), XP1), 23n), XP2), XP3);
    p += 4;
  }
  while (p < len) {
    h = mul(rotl(h ^ mul(BigInt(b[p]!), XP5), 11n), XP1);
    p++;
  }
  h ^= h >> 33n;
  h = mul(h, XP2);
  h ^= h >> 29n;
  h = mul(h, XP3);
  h ^= h >> 32n;
  return h;
}

/** Deterministic PRNG (mulberry32) so a failure reproduces; the seed is in the test name. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The configurations under test: every build and every strategy the SIMD build offers.

interface Config { label: string; scanner: Scanner; strategy: ScanStrategy }

function configs(): Config[] {
  const out: Config[] = [{ label: 'scalar', scanner: loadScanner({ variant: 'scalar' }), strategy: 'auto' }];
  if (simdSupported()) {
    for (const strategy of ['auto', 'pairs', 'bigrams'] as const) {
      out.push({ label: `simd/${strategy}`, scanner: loadScanner({ variant: 'simd' }), strategy });
    }
  }
  for (const c of out) c.scanner.setStrategy(c.strategy);
  return out;
}

const CONFIGS = configs();
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function checkScan(c: Config, bytes: Uint8Array, needles: readonly Uint8Array[], what: string): void {
  const set = c.scanner.prepareNeedles(needles);
  const r = c.scanner.scanBytes(bytes, set);
  const want = refPresent(bytes, needles);
  const got = needles.map((_, i) => hasNeedle(r, i));
  for (let i = 0; i < needles.length; i++) {
    if (got[i] !== want[i]) {
      assert.fail(`${c.label}: ${what}: needle ${i} ${JSON.stringify(Buffer.from(needles[i]!).toString('latin1'))} ` +
        `(len ${needles[i]!.length}) expected ${want[i]} got ${got[i]} in ${bytes.length} bytes`);
    }
  }
  assert.equal(r.size, bytes.length);
  assert.equal(r.present.length, (needles.length + 31) >>> 5);
  // Bits past the last needle stay clear.
  for (let i = needles.length; i < r.present.length * 32; i++) assert.equal(hasNeedle(r, i), false);
}

describe('scanner: hand-picked cases', () => {
  for (const c of CONFIGS) {
    it(`${c.label}: edges, overlaps, lengths, bytes`, () => {
      const text = 'package main\n\nimport "net/http"\n\nfunc main() { http.Get("x") }\n';
      const needles = ['package', '}\n', 'net/http', 'http.Get', 'nope', 'p', '\n', 'x', 'aa', text, text + '!', 'é'].map(enc);
      checkScan(c, enc(text), needles, 'needles at both ends and the whole text');
      checkScan(c, new Uint8Array(0), needles, 'empty input');
      checkScan(c, enc('aaaa'), ['aa', 'aaa', 'aaaa', 'aaaaa', 'a', 'ab'].map(enc), 'overlapping needles');
      checkScan(c, enc('abababab'), ['abab', 'baba', 'bab', 'abba'].map(enc), 'periodic text');
      checkScan(c, enc('x'), ['x', 'xx', 'y'].map(enc), 'one-byte input');
      checkScan(c, enc('déjà vu ✓ 日本'), ['é', 'à v', '✓', '日本', '本日', 'ja'].map(enc), 'non-ASCII UTF-8');
      const binary = new Uint8Array([0, 255, 0, 128, 129, 0, 0, 255]);
      checkScan(c, binary, [[0], [0, 0], [255, 0], [0, 255], [128, 129, 0], [1], [255, 255]].map((a) => new Uint8Array(a)), 'raw bytes incl. NUL');
      checkScan(c, enc('abc'), [enc('abc'), enc('abc'), enc('b'), enc('b')], 'duplicate needles');
    });

    it(`${c.label}: empty needles are present everywhere`, () => {
      checkScan(c, enc('abc'), [enc(''), enc('zz'), enc('a')], 'empty needle');
      checkScan(c, new Uint8Array(0), [enc('')], 'empty needle, empty input');
    });

    it(`${c.label}: stale bytes of a previous, longer input never match`, () => {
      const set = c.scanner.prepareNeedles(['needle', 'le', 'x']);
      const long = c.scanner.scanBytes(enc('xxxxxxxxneedle'), set);
      assert.deepEqual([0, 1, 2].map((i) => hasNeedle(long, i)), [true, true, true]);
      const short = c.scanner.scanBytes(enc('xxxxxxxxneed'), set);
      assert.deepEqual([0, 1, 2].map((i) => hasNeedle(short, i)), [false, false, true]);
    });

    it(`${c.label}: switching needle sets between scans`, () => {
      const a = c.scanner.prepareNeedles(['alpha', 'beta']);
      const b = c.scanner.prepareNeedles(['gamma', 'al', 'delta']);
      const text = enc('alpha gamma');
      for (let round = 0; round < 3; round++) {
        const ra = c.scanner.scanBytes(text, a);
        assert.deepEqual([hasNeedle(ra, 0), hasNeedle(ra, 1)], [true, false]);
        const rb = c.scanner.scanBytes(text, b);
        assert.deepEqual([hasNeedle(rb, 0), hasNeedle(rb, 1), hasNeedle(rb, 2)], [true, true, false]);
      }
    });
  }
});

describe('scanner: property test against the JS reference', () => {
  // Alphabets from tiny (many overlaps and hits) to every byte value.
  const alphabets: Uint8Array[] = [enc('ab'), enc('abcd'), enc('func (){}.\n\t "/abcdefghijklmnopqrstuvwxyz'), Uint8Array.from({ length: 256 }, (_, i) => i)];
  const counts = [1, 2, 8, 31, 32, 33, 64, 65, 128, 200];
  for (const c of CONFIGS) {
    for (const seed of [1, 2, 3]) {
      it(`${c.label}: seed ${seed}, 1..200 needles, 0..4096 bytes`, () => {
        const rnd = prng(seed * 7919);
        const pick = (n: number): number => Math.floor(rnd() * n);
        for (let round = 0; round < 60; round++) {
          const alphabet = alphabets[round % alphabets.length]!;
          const len = round % 10 === 0 ? pick(4) : round % 10 === 1 ? pick(48) : pick(4097);
          const bytes = Uint8Array.from({ length: len }, () => alphabet[pick(alphabet.length)]!);
          const count = counts[round % counts.length]!;
          const needles: Uint8Array[] = [];
          for (let i = 0; i < count; i++) {
            const kind = pick(6);
            const nlen = 1 + pick(kind === 5 ? 40 : 8);
            if (kind <= 1 && len > 0) {
              // A slice of the input: at the very start, the very end, or anywhere.
              const where = pick(3);
              const l = Math.min(nlen, len);
              const s = where === 0 ? 0 : where === 1 ? len - l : pick(len - l + 1);
              const n = bytes.slice(s, s + l);
              if (kind === 1 && n.length > 0) n[n.length - 1] = alphabet[pick(alphabet.length)]!; // near miss
              needles.push(n);
            } else if (kind === 2) {
              // Longer than the input where the input is short (keeps the set under the byte limit).
              const l = Math.min(len + 1 + pick(3), 48 + pick(16));
              needles.push(Uint8Array.from({ length: l }, () => alphabet[pick(alphabet.length)]!));
            } else {
              needles.push(Uint8Array.from({ length: nlen }, () => alphabet[pick(alphabet.length)]!));
            }
          }
          checkScan(c, bytes, needles, `seed ${seed} round ${round}`);
        }
      });
    }
    it(`${c.label}: the maximum number of needles`, () => {
      const rnd = prng(99);
      const alphabet = enc('abcdefgh');
      const bytes = Uint8Array.from({ length: 20000 }, () => alphabet[Math.floor(rnd() * 8)]!);
      const needles = Array.from({ length: c.scanner.maxNeedles }, () =>
        Uint8Array.from({ length: 3 + Math.floor(rnd() * 5) }, () => alphabet[Math.floor(rnd() * 8)]!));
      checkScan(c, bytes, needles, `${needles.length} needles`);
    });
  }
});

describe('scanner: every .go file of GOROOT/src', () => {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.go')) files.push(p);
    }
  };
  walk(join(goroot, 'src'));
  // Realistic needles (some everywhere, some rare, some absent) plus one-byte and non-ASCII ones.
  const needles = ['net/http', 'database/sql', 'func ', 'ServeHTTP', '//go:linkname', '//dd:span', 'context.Context',
    'github.com/', 'sync.Mutex', 'RoundTrip', 'unsafe', '\t', '@', '~', 'µ', '日本', 'os.Getenv(', 'panic(', 'QueryContext',
    'interface{}', 'x', '//weft:', 'go.opentelemetry.io', 'testing.M', 'http.Handler', 'runtime.Goexit', 'TODO', '0x',
    'Œ', 'goroutine', 'errors.New', 'ÿ', 'import "C"', 'chan<-', 'Deprecated:', 'zz9zz'];
  const needleBufs = needles.map((n) => Buffer.from(n));

  it(`all ${files.length} files: ${CONFIGS.map((c) => c.label).join(', ')} agree with Buffer.indexOf`, () => {
    assert.ok(files.length > 1000, `expected GOROOT/src to hold many .go files, found ${files.length}`);
    const sets = CONFIGS.map((c) => c.scanner.prepareNeedles(needles));
    const hits = new Array<number>(needles.length).fill(0);
    for (const path of files) {
      const bytes = readFileSync(path);
      const want = needleBufs.map((n) => bytes.indexOf(n) !== -1);
      want.forEach((w, i) => { if (w) hits[i]!++; });
      CONFIGS.forEach((c, k) => {
        // scanFile: the file is read straight into WASM memory.
        const r = c.scanner.scanFile(path, sets[k]!);
        for (let i = 0; i < needles.length; i++) {
          if (hasNeedle(r, i) !== want[i]) assert.fail(`${c.label}: ${path}: needle ${JSON.stringify(needles[i])} expected ${want[i]}`);
        }
        assert.equal(r.size, bytes.length);
      });
    }
    // The corpus exercises both outcomes for most needles.
    assert.ok(hits.filter((h) => h > 0).length >= 20, `hits: ${hits.join(',')}`);
    assert.ok(hits.filter((h) => h < files.length).length >= 30, `hits: ${hits.join(',')}`);
  });
});

describe('xxh64', () => {
  // Published XXH64 values (seed 0) for "", "a" and "abc".
  const vectors: [string, bigint][] = [['', 0xEF46DB3751D8E999n], ['a', 0xD24EC4F1A98C6E5Bn], ['abc', 0x44BC2CF5AD770999n]];
  for (const c of CONFIGS.filter((x) => x.strategy === 'auto')) {
    it(`${c.label}: published vectors`, () => {
      for (const [s, h] of vectors) {
        assert.equal(c.scanner.hash(enc(s)), h, `xxh64(${JSON.stringify(s)})`);
        assert.equal(refXxh64(enc(s)), h, `reference xxh64(${JSON.stringify(s)})`);
      }
    });
    it(`${c.label}: equals the spec reference for lengths 0..300, large inputs and seeds`, () => {
      const rnd = prng(42);
      const lens = [...Array.from({ length: 301 }, (_, i) => i), 1000, 4096, 65537, 2_500_000];
      for (const len of lens) {
        const b = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
        assert.equal(c.scanner.hash(b), refXxh64(b), `len ${len}`);
        const seed = BigInt(Math.floor(rnd() * 2 ** 32)) << 31n; // exercises seeds above 2^63
        if (len < 2000) assert.equal(c.scanner.hash(b, seed), refXxh64(b, seed), `len ${len} seed ${seed}`);
      }
    });
    it(`${c.label}: scan results carry the same hash`, () => {
      const b = enc('package p\nfunc F() {}\n'.repeat(50));
      const r = c.scanner.scanBytes(b, c.scanner.prepareNeedles(['func']));
      assert.equal(r.hash, refXxh64(b));
      assert.equal(c.scanner.scanBytes(b, c.scanner.prepareNeedles(['func']), { hash: false }).hash, 0n);
    });
  }
});

describe('module failures', () => {
  it('abort becomes WeftError E_WASM with the module file and line', () => {
    for (const c of CONFIGS.filter((x) => x.strategy === 'auto')) {
      const raw = (c.scanner as unknown as { rawExports: { scan(len: number): void; inputCapacity(): number } }).rawExports;
      assert.throws(() => raw.scan(raw.inputCapacity() + 1), (e: unknown) => {
        assert.ok(e instanceof WeftError);
        assert.equal(e.code, 'E_WASM');
        assert.match(e.message, /input length exceeds the input buffer/);
        assert.match(e.location?.file ?? '', /assembly\/index\.ts$/);
        assert.ok((e.location?.line ?? 0) > 0);
        return true;
      });
      // The instance stays usable.
      const r = c.scanner.scanBytes(enc('still works'), c.scanner.prepareNeedles(['works']));
      assert.equal(hasNeedle(r, 0), true);
    }
  });
});
