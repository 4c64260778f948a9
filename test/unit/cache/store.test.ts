// The local store: atomic entries checked on read, 0700 directories, LRU trim that spares what
// running builds use, concurrent writers, and a build facade that never fails on a bad cache.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalStore } from '../../../src/cache/store.js';
import { WeaveCache } from '../../../src/cache/weave-cache.js';

/** The digest of the bytes a test entry says it was woven from. */
const IN = 'a'.repeat(64);

const key = (n: number): string => n.toString(16).padStart(64, '0');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'weft-cache-unit-'));
}

test('write then read gives the body back; directories are 0700, entries 0600', () => {
  const dir = join(tmp(), 'weave');
  const s = new LocalStore(dir);
  s.write(key(1), Buffer.from('hello'));
  const r = s.read(key(1));
  assert.equal(r.kind, 'hit');
  assert.equal(r.kind === 'hit' ? r.body.toString() : '', 'hello');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'v1', '00')).mode & 0o777, 0o700);
  assert.equal(statSync(s.pathOf(key(1))).mode & 0o777, 0o600);
  assert.equal(s.read(key(2)).kind, 'miss');
  rmSync(dir, { recursive: true, force: true });
});

test('a truncated, flipped or misplaced entry is reported corrupt and deleted', () => {
  const s = new LocalStore(join(tmp(), 'weave'));
  const body = Buffer.from('x'.repeat(1000));
  s.write(key(1), body);
  const path = s.pathOf(key(1));
  const whole = readFileSync(path);
  writeFileSync(path, whole.subarray(0, whole.length - 10));
  let r = s.read(key(1));
  assert.equal(r.kind, 'corrupt');
  assert.match(r.kind === 'corrupt' ? r.reason : '', /truncated/);
  assert.equal(s.read(key(1)).kind, 'miss', 'the corrupt entry was removed');

  s.write(key(1), body);
  const flipped = Buffer.from(readFileSync(path));
  flipped[flipped.length - 1] = 0x79;
  writeFileSync(path, flipped);
  r = s.read(key(1));
  assert.match(r.kind === 'corrupt' ? r.reason : '', /checksum/);

  s.write(key(1), body);
  s.write(key(3), body);
  writeFileSync(s.pathOf(key(1)), readFileSync(s.pathOf(key(3))));
  r = s.read(key(1));
  assert.match(r.kind === 'corrupt' ? r.reason : '', /for key/);
});

test('trim removes least recently used entries first, never those touched since a running build began', () => {
  const s = new LocalStore(join(tmp(), 'weave'));
  const body = Buffer.alloc(1000, 1);
  const old = Date.now() / 1000 - 3600;
  for (let i = 1; i <= 6; i++) {
    s.write(key(i), body);
    utimesSync(s.pathOf(key(i)), old + i, old + i);
  }
  // A hit on entry 1 makes it the most recently used.
  assert.equal(s.read(key(1)).kind, 'hit');
  const size = statSync(s.pathOf(key(1))).size;
  let t = s.trim(size * 4);
  assert.equal(t.removed, 2);
  assert.equal(s.read(key(2)).kind, 'miss');
  assert.equal(s.read(key(3)).kind, 'miss');
  // Reading touched 4..6 and 1 now; a running build's lease protects everything touched since it began.
  const lease = s.openLease();
  for (const i of [1, 4, 5, 6]) assert.equal(s.read(key(i)).kind, 'hit');
  t = s.trim(0);
  assert.equal(t.removed, 0);
  assert.equal(t.protectedEntries, 4);
  lease.release();
  for (const i of [1, 4, 5, 6]) utimesSync(s.pathOf(key(i)), old, old);
  t = s.trim(0);
  assert.equal(t.removed, 4);
  assert.deepEqual(s.stats(), { entries: 0, bytes: 0 });
});

test('trimIfOver lists the store only when its usage record and the writes since may exceed the cap', () => {
  const dir = join(tmp(), 'weave');
  const s = new LocalStore(dir);
  const body = Buffer.alloc(1000, 1);
  const old = Date.now() / 1000 - 3600;
  s.write(key(1), body);
  utimesSync(s.pathOf(key(1)), old, old);
  const size = statSync(s.pathOf(key(1))).size;
  const cap = size * 2.5;
  // No usage record yet: it lists (and keeps one).
  assert.deepEqual(s.trimIfOver(cap), { entries: 1, bytes: size, removed: 0, removedBytes: 0, protectedEntries: 0 });
  s.write(key(2), body);
  utimesSync(s.pathOf(key(2)), old + 1, old + 1);
  // An entry put there behind the store's back, the least recently used: under the cap by the
  // record (one listed, one written since), nothing is listed, so nothing sees it.
  const outsider = join(dir, 'v1', '00', key(9));
  writeFileSync(outsider, Buffer.alloc(50_000));
  utimesSync(outsider, old - 10, old - 10);
  assert.equal(s.trimIfOver(cap), null);
  assert.equal(statSync(outsider).size, 50_000);
  // A third write takes the count over the cap: the listing runs and removes the oldest two.
  s.write(key(3), body);
  const t = s.trimIfOver(cap);
  assert.ok(t !== null, 'over the cap by the record: listed');
  assert.equal(t.removed, 2);
  assert.equal(s.read(key(1)).kind, 'miss');
  assert.equal(s.trimIfOver(cap), null, 'the listing left a record under the cap');
  // A ledger line that is not a size, or a record that cannot be read: it lists again.
  writeFileSync(join(dir, 'written'), 'garbage\n');
  assert.notEqual(s.trimIfOver(cap), null);
  writeFileSync(join(dir, 'usage'), 'x');
  assert.notEqual(s.trimIfOver(cap), null);
  // clean() forgets the record.
  s.clean();
  assert.equal(readdirSync(dir).includes('usage'), false);
  rmSync(dir, { recursive: true, force: true });
});

test('a lease of a dead process does not protect anything', () => {
  const dir = join(tmp(), 'weave');
  const s = new LocalStore(dir);
  s.write(key(1), Buffer.from('a'));
  s.openLease();
  // Rewrite the lease as if held by a process that is gone (pid 2^22+ is beyond pid_max defaults).
  const leases = join(dir, 'leases');
  for (const n of readdirSync(leases)) rmSync(join(leases, n));
  writeFileSync(join(leases, `4194999-${Date.now() - 1000}-dead`), '');
  assert.equal(s.trim(0).removed, 1);
  assert.deepEqual(readdirSync(leases), []);
});

test('a build facade warns once and goes on when the cache cannot be written (disk full)', async () => {
  const warnings: string[] = [];
  const debug: string[] = [];
  const cache = new WeaveCache({
    dir: join(tmp(), 'weave'),
    log: { warn: (m) => warnings.push(m), debug: (m) => debug.push(m) },
    faults: {
      beforeWrite: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    },
  });
  cache.put(key(1), { files: [] }, ['/a.go'], IN);
  cache.put(key(2), { files: [] }, ['/a.go'], IN);
  assert.equal(await cache.get(key(1), ['/a.go'], IN), null);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /cannot write the weave cache .*ENOSPC.*this build weaves without storing/);
  assert.equal(cache.counters.stored, 0);
  await cache.close();
});

test('a corrupt entry is a miss with a debug line, and counted', async () => {
  const debug: string[] = [];
  const dir = join(tmp(), 'weave');
  const cache = new WeaveCache({ dir, log: { warn: () => {}, debug: (m) => debug.push(m) } });
  cache.put(key(1), { files: [{ original: '/x/a.go', text: '//line /x/a.go:1:1\npackage a' }] }, ['/x/a.go'], IN);
  assert.deepEqual(await cache.get(key(1), ['/y/a.go'], IN), { files: [{ original: '/y/a.go', text: '//line /y/a.go:1:1\npackage a' }] });
  writeFileSync(cache.local.pathOf(key(1)), 'weft-cache 1 00 3 x\nabc');
  assert.equal(await cache.get(key(1), ['/y/a.go'], IN), null);
  assert.equal(cache.counters.corrupt, 1);
  assert.match(debug.join('\n'), /corrupt .*discarded, weaving again/);
  await cache.close();
});

test('many processes writing the same keys at once leave whole, readable entries', async () => {
  const dir = join(tmp(), 'weave');
  const storeUrl = new URL('../../../src/cache/store.js', import.meta.url).href;
  const script = `
    const { LocalStore } = await import(${JSON.stringify(storeUrl)});
    const s = new LocalStore(${JSON.stringify(dir)});
    const body = Buffer.alloc(200000, process.argv[1]);
    for (let r = 0; r < 20; r++) for (let i = 0; i < 5; i++) {
      s.write(String(i).padStart(64, '0'), body);
      const got = s.read(String((i + 1) % 5).padStart(64, '0'));
      if (got.kind === 'corrupt') { console.error('corrupt: ' + got.reason); process.exit(1); }
    }`;
  const codes = await Promise.all(['a', 'b', 'c', 'd'].map((fill) => new Promise<number>((resolve) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', script, fill], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('exit', (c) => resolve(c ?? 1));
  })));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const s = new LocalStore(dir);
  for (let i = 0; i < 5; i++) {
    const r = s.read(key(i));
    assert.equal(r.kind, 'hit');
    const b = r.kind === 'hit' ? r.body : Buffer.alloc(0);
    assert.equal(b.length, 200000);
    assert.ok(b.every((x) => x === b[0]), 'one writer\'s body, not a mix');
  }
  assert.deepEqual(readdirSync(join(dir, 'v1', '00')).filter((n) => n.startsWith('.tmp')), []);
});
