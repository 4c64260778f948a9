// The typed wrapper: loading and variant choice, files read into WASM memory (with growth and
// rebuilt views), limits and errors, unsigned hashes, and the needle helpers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeftError } from '../../../src/errors.js';
import {
  bitsetWords, encodeNeedle, getThreadScanner, hasAllNeedles, hasAnyNeedle, hasNeedle, loadScanner, NeedleListBuilder, needleSetId,
  presentNeedles, simdSupported, wasmPath,
} from '../../../src/wasm/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-wasm-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadScanner', () => {
  it('finds both builds under dist/wasm relative to the module', () => {
    for (const v of ['simd', 'scalar'] as const) assert.ok(existsSync(fileURLToPath(wasmPath(v))), wasmPath(v).href);
  });

  it('picks the SIMD build where the engine has SIMD, and says which', () => {
    assert.equal(simdSupported(), true, 'Node 20 (V8) supports WASM SIMD');
    assert.equal(loadScanner().variant, 'simd');
    assert.equal(loadScanner({ variant: 'scalar' }).variant, 'scalar');
    assert.equal(loadScanner({ variant: 'scalar' }).stats().variant, 'scalar');
  });

  it('falls back to the scalar build on an engine without SIMD', () => {
    // A fresh process whose engine claims no SIMD support before the wrapper loads.
    const mod = new URL('../../../src/wasm/index.js', import.meta.url).href;
    const script = `WebAssembly.validate = () => false;
      const m = await import(${JSON.stringify(mod)});
      const s = m.loadScanner();
      const r = s.scanBytes(new TextEncoder().encode('a needle here'), s.prepareNeedles(['needle', 'absent']));
      console.log(JSON.stringify({ simd: m.simdSupported(), variant: s.variant, present: m.presentNeedles(r) }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { simd: false, variant: 'scalar', present: [0] });
  });

  it('getThreadScanner returns one shared instance per thread', () => {
    assert.equal(getThreadScanner(), getThreadScanner());
    assert.notEqual(getThreadScanner(), loadScanner());
  });

  it('refuses the pairs strategy on the scalar build', () => {
    assert.throws(() => loadScanner({ variant: 'scalar' }).setStrategy('pairs'), { code: 'E_WASM' });
  });
});

describe('scanFile', () => {
  for (const variant of ['simd', 'scalar'] as const) {
    it(`${variant}: a file larger than the input buffer grows memory once and views follow`, () => {
      const s = loadScanner({ variant });
      const set = s.prepareNeedles(['NEEDLE_AT_END', 'needle_in_middle', 'absent']);
      const before = s.stats();
      const big = Buffer.alloc(before.memoryBytes + 3_000_000, 'a');
      big.write('needle_in_middle', big.length >> 1);
      big.write('NEEDLE_AT_END', big.length - 'NEEDLE_AT_END'.length);
      const path = join(dir, `big-${variant}.go`);
      writeFileSync(path, big);
      const r = s.scanFile(path, set);
      assert.equal(r.size, big.length);
      assert.deepEqual(presentNeedles(r), [0, 1]);
      const after1 = s.stats();
      assert.ok(after1.memoryBytes > before.memoryBytes + 3_000_000, 'memory grew');
      assert.equal(after1.grows, 1);
      // Smaller inputs afterwards reuse the memory and see fresh views.
      const small = s.scanBytes(Buffer.from('xx absent xx'), set);
      assert.deepEqual(presentNeedles(small), [2]);
      assert.equal(s.stats().grows, 1);
      // A hash over the grown region equals the hash of the same bytes scanned in memory.
      assert.equal(s.scanFile(path, set).hash, s.hash(big));
    });
  }

  it('keep: the bytes scanned come back as a copy of their own (the next scan does not change them)', () => {
    const s = loadScanner();
    const set = s.prepareNeedles(['kept', 'other', 'absent']);
    const path = join(dir, 'kept.go');
    writeFileSync(path, 'package kept // other');
    const r = s.scanFile(path, set, { keep: true });
    assert.deepEqual(presentNeedles(r), [0, 1]);
    assert.equal(Buffer.from(r.bytes!).toString(), 'package kept // other');
    s.scanBytes(Buffer.from('x'.repeat(64)), set);
    assert.equal(Buffer.from(r.bytes!).toString(), 'package kept // other');
    assert.equal(s.scanFile(path, set).bytes, undefined, 'not kept unless asked');
  });

  it('scanFileInto writes the bitset at the offset and nothing else', () => {
    const s = loadScanner();
    const set = s.prepareNeedles(Array.from({ length: 40 }, (_, i) => `tok${i}_`));
    const path = join(dir, 'into.go');
    writeFileSync(path, 'tok3_ tok39_ tok32_');
    const out = new Uint32Array(6).fill(0xdeadbeef);
    const r = s.scanFileInto(path, set, out, 2);
    assert.equal(r.size, 19);
    assert.equal(out[0], 0xdeadbeef);
    assert.equal(out[1], 0xdeadbeef);
    assert.deepEqual(presentNeedles({ present: out.subarray(2, 4) }), [3, 32, 39]);
    assert.equal(out[4], 0xdeadbeef);
  });

  it('passes file-system errors through', () => {
    const s = loadScanner();
    const set = s.prepareNeedles(['x']);
    assert.throws(() => s.scanFile(join(dir, 'missing.go'), set), { code: 'ENOENT' });
    assert.throws(() => s.scanFile(dir, set), { code: 'EISDIR' });
  });

  it('scans an empty file', () => {
    const path = join(dir, 'empty.go');
    writeFileSync(path, '');
    const s = loadScanner();
    const r = s.scanFile(path, s.prepareNeedles(['x', '']));
    assert.deepEqual(presentNeedles(r), [1]);
    assert.equal(r.hash, 0xEF46DB3751D8E999n);
  });
});

describe('limits and hashes', () => {
  it('rejects too many needles and too many needle bytes with E_WASM', () => {
    const s = loadScanner();
    assert.throws(() => s.prepareNeedles(Array.from({ length: s.maxNeedles + 1 }, (_, i) => `n${i}`)),
      (e: unknown) => e instanceof WeftError && e.code === 'E_WASM' && /at most/.test(e.message));
    assert.throws(() => s.prepareNeedles(['x'.repeat(70_000)]), { code: 'E_WASM' });
    assert.equal(s.prepareNeedles(Array.from({ length: s.maxNeedles }, (_, i) => `n${i}`)).count, s.maxNeedles);
  });

  it('hashes are unsigned 64-bit values', () => {
    const s = loadScanner();
    let high = 0;
    for (let i = 0; i < 64; i++) {
      const h = s.hash(Buffer.from(`input ${i}`));
      assert.ok(h >= 0n && h < 1n << 64n);
      if (h >= 1n << 63n) high++;
    }
    assert.ok(high > 0, 'some hashes have the top bit set (no signed wrap-around)');
  });

  it('needle sets are immutable and independent of the scanner that made them', () => {
    const a = loadScanner();
    const b = loadScanner({ variant: 'scalar' });
    const set = a.prepareNeedles(['foo', new Uint8Array([0xff, 0x00])]);
    assert.ok(Object.isFrozen(set));
    const r = b.scanBytes(new Uint8Array([1, 0xff, 0x00, 2]), set);
    assert.deepEqual(presentNeedles(r), [1]);
  });
});

describe('needle helpers', () => {
  it('hasNeedle, hasAllNeedles, hasAnyNeedle, presentNeedles read the bitset', () => {
    const r = { present: new Uint32Array([0b1010, 1 << 31, 1]) };
    assert.deepEqual(presentNeedles(r), [1, 3, 63, 64]);
    assert.equal(hasNeedle(r, 1), true);
    assert.equal(hasNeedle(r, 2), false);
    assert.equal(hasNeedle(r, 63), true);
    assert.equal(hasNeedle(r, 64), true);
    assert.equal(hasNeedle(r, 96), false, 'past the bitset');
    assert.equal(hasNeedle(r, -1), false);
    assert.equal(hasAllNeedles(r, [1, 3, 64]), true);
    assert.equal(hasAllNeedles(r, [1, 2]), false);
    assert.equal(hasAllNeedles(r, []), true);
    assert.equal(hasAnyNeedle(r, [0, 2, 63]), true);
    assert.equal(hasAnyNeedle(r, [0, 2]), false);
    assert.equal(hasAnyNeedle(r, []), false);
  });

  it('NeedleListBuilder gives each distinct needle one stable index and refuses empty ones', () => {
    const b = new NeedleListBuilder();
    assert.equal(b.add('net/http'), 0);
    assert.equal(b.add('sql'), 1);
    assert.equal(b.add('net/http'), 0);
    assert.equal(b.indexOf('sql'), 1);
    assert.equal(b.indexOf('nope'), undefined);
    assert.equal(b.size, 2);
    assert.deepEqual(b.list(), ['net/http', 'sql']);
    assert.throws(() => b.add(''), { code: 'E_INTERNAL' });
  });

  it('needleSetId is stable, order-sensitive and unambiguous', () => {
    assert.equal(needleSetId(['a', 'b']), needleSetId(['a', 'b']));
    assert.equal(needleSetId(['a', 'b']), needleSetId([encodeNeedle('a'), encodeNeedle('b')]));
    assert.notEqual(needleSetId(['a', 'b']), needleSetId(['b', 'a']));
    assert.notEqual(needleSetId(['ab']), needleSetId(['a', 'b']));
  });

  it('bitsetWords and encodeNeedle', () => {
    assert.deepEqual([0, 1, 32, 33, 64, 65].map(bitsetWords), [0, 1, 1, 2, 2, 3]);
    assert.deepEqual([...encodeNeedle('é')], [0xc3, 0xa9]);
    const raw = new Uint8Array([1, 2]);
    assert.equal(encodeNeedle(raw), raw);
  });
});
