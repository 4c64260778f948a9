// The worker pool: many concurrent tasks in other modules' worker files, failures that leave
// the pool serving, moved buffers, the per-package scan task, and a shutdown that leaves no
// thread behind.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeftError } from '../../../src/errors.js';
import { createPool, createScanNeedles, scanPackage, SCAN_WORKER, unpackNeedles, unpackScan, type WorkerPool } from '../../../src/pool/index.js';
import { hasNeedle, loadScanner, presentNeedles } from '../../../src/wasm/index.js';
import type { TestTask } from './helpers/fake-worker.js';

const TEST_WORKER = new URL('./helpers/fake-worker.js', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'weft-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Live worker threads of this process, from Node's diagnostic report (independent of Piscina). */
function liveWorkers(): number {
  const report = process.report.getReport() as unknown as { workers?: unknown[] };
  return report.workers?.length ?? 0;
}

async function rejectsWith(p: Promise<unknown>, check: (e: WeftError) => void): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof WeftError, `expected WeftError, got ${String(e)}`);
    check(e);
    return true;
  });
}

describe('createPool', () => {
  it('is sized to the machine by default and rejects nonsense sizes', async () => {
    const pool = createPool();
    try {
      assert.equal(pool.size, availableParallelism());
    } finally {
      await pool.close();
    }
    assert.throws(() => createPool({ size: 0 }), { code: 'E_WORKER' });
  });
});

describe('thread memory', () => {
  it('caps each thread\'s young generation (a weave\'s garbage would otherwise stay resident)', async () => {
    const pool = createPool({ size: 1 });
    try {
      const limits = await pool.run<{ maxYoungGenerationSizeMb: number }>(TEST_WORKER, { op: 'limits' } satisfies TestTask);
      assert.ok(limits.maxYoungGenerationSizeMb > 0 && limits.maxYoungGenerationSizeMb <= 8, JSON.stringify(limits));
    } finally {
      await pool.close();
    }
  });
});

describe('running tasks', () => {
  let pool: WorkerPool;
  after(() => pool.close());

  it('runs many concurrent tasks from a caller-supplied worker file on every thread', async () => {
    pool = createPool({ size: 2 });
    const tasks = Array.from({ length: 200 }, (_, i) =>
      pool.run<{ value: number; threadId: number }>(TEST_WORKER, { op: 'echo', value: i, ms: i % 10 === 0 ? 5 : 0 } satisfies TestTask));
    const results = await Promise.all(tasks);
    assert.deepEqual(results.map((r) => r.value), Array.from({ length: 200 }, (_, i) => i));
    assert.equal(new Set(results.map((r) => r.threadId)).size, 2, 'both threads served');
    const st = pool.stats();
    assert.equal(st.tasks, 200);
    assert.equal(st.failed, 0);
    assert.equal(st.pending, 0);
    assert.equal(st.threads, 2);
    assert.ok(st.taskMicros > 0);
  });

  it('counts the time threads spend running tasks (busyMicros)', async () => {
    const before = pool.stats().busyMicros;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => pool.run(TEST_WORKER, { op: 'echo', value: 0, ms: 30 } satisfies TestTask)));
    const wallMicros = (performance.now() - t0) * 1000;
    const busy = pool.stats().busyMicros - before;
    assert.ok(busy >= 6 * 29_000, `busy ${busy} µs for six 30 ms tasks`);
    // Two threads cannot be busy for longer than twice the wall time, however slow a loaded
    // machine makes each task: a count that double-counted tasks would exceed it.
    assert.ok(busy <= 2 * wallMicros + 1_000, `busy ${busy} µs in ${Math.round(wallMicros)} µs of wall time on two threads`);
  });

  it('warm() of a file that cannot load fails with E_WORKER', async () => {
    await rejectsWith(pool.warm([new URL('./helpers/does-not-exist.js', import.meta.url)]), (e) => assert.equal(e.code, 'E_WORKER'));
  });

  it('a worker file without a default export function fails with E_WORKER', async () => {
    await rejectsWith(pool.run(new URL('./helpers/no-default.js', import.meta.url), {}), (e) => {
      assert.equal(e.code, 'E_WORKER');
      assert.match(e.message, /no default export function/);
    });
  });

  it('accepts a path as well as a URL', async () => {
    const r = await pool.run<{ value: string }>(TEST_WORKER.pathname, { op: 'echo', value: 'p' } satisfies TestTask);
    assert.equal(r.value, 'p');
  });

  it('a worker that throws gives E_WORKER with the message, and the pool keeps serving', async () => {
    const before = pool.stats().failed;
    await rejectsWith(pool.run(TEST_WORKER, { op: 'throw', message: 'kaput' } satisfies TestTask), (e) => {
      assert.equal(e.code, 'E_WORKER');
      assert.match(e.message, /fake-worker\.js failed: .*kaput/);
    });
    await rejectsWith(pool.run(TEST_WORKER, { op: 'throw-data', file: '/src/a.go' } satisfies TestTask), (e) => {
      assert.equal(e.code, 'E_WORKER');
      assert.equal(e.location?.file, '/src/a.go');
      assert.equal(e.location?.line, 7);
      assert.ok(e.details.includes('worker error code: E_WASM'), e.details.join('|'));
    });
    // A thread that dies outright is replaced.
    await rejectsWith(pool.run(TEST_WORKER, { op: 'exit' } satisfies TestTask), (e) => {
      assert.equal(e.code, 'E_WORKER');
      assert.match(e.message, /a worker thread died while running fake-worker\.js \(worker exited with code: \d+\); the pool replaced it/);
      assert.match(e.hint ?? '', /run the build again/);
    });
    const again = await Promise.all([1, 2, 3, 4].map((v) => pool.run<{ value: number }>(TEST_WORKER, { op: 'echo', value: v } satisfies TestTask)));
    assert.deepEqual(again.map((r) => r.value), [1, 2, 3, 4]);
    assert.equal(pool.stats().failed, before + 3);
  });

  it('a task past its timeout rejects with E_TIMEOUT, an aborted one with E_WORKER; the pool keeps serving', async () => {
    await rejectsWith(pool.run(TEST_WORKER, { op: 'echo', value: 1, ms: 2000 } satisfies TestTask, undefined, { timeoutMs: 50 }),
      (e) => assert.equal(e.code, 'E_TIMEOUT'));
    const ac = new AbortController();
    const p = pool.run(TEST_WORKER, { op: 'echo', value: 1, ms: 2000 } satisfies TestTask, undefined, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await rejectsWith(p, (e) => assert.equal(e.code, 'E_WORKER'));
    const r = await pool.run<{ value: number }>(TEST_WORKER, { op: 'echo', value: 5 } satisfies TestTask, undefined, { timeoutMs: 5000 });
    assert.equal(r.value, 5);
  });

  it('moves buffers both ways instead of copying them', async () => {
    const bytes = new Uint8Array(1 << 20).fill(1);
    const sum = await pool.run<number>(TEST_WORKER, { op: 'sum', bytes } satisfies TestTask, [bytes.buffer]);
    assert.equal(sum, 1 << 20);
    assert.equal(bytes.byteLength, 0, 'the caller\'s buffer was transferred (detached)');
    const back = await pool.run<Uint8Array>(TEST_WORKER, { op: 'move', size: 1000 } satisfies TestTask);
    assert.equal(back.length, 1000);
    assert.equal(back[999], 7);
  });
});

describe('per-package scan task', () => {
  let pool: WorkerPool;
  after(() => pool.close());
  const needleList = ['net/http', 'database/sql', '//weft:span', 'ServeHTTP', 'x'];
  // 30 packages of 1..6 files, with needles sprinkled deterministically.
  const packages: string[][] = [];
  for (let p = 0; p < 30; p++) {
    const pdir = join(dir, `pkg${p}`);
    mkdirSync(pdir);
    const files: string[] = [];
    for (let f = 0; f <= p % 6; f++) {
      const path = join(pdir, `f${f}.go`);
      const parts = [`package pkg${p}\n`];
      needleList.forEach((n, i) => { if ((p + f + i) % 3 === 0) parts.push(`// uses ${n}\n`); });
      parts.push('y'.repeat((p * 997 + f * 131) % 5000));
      writeFileSync(path, parts.join(''));
      files.push(path);
    }
    packages.push(files);
  }

  it('scans packages concurrently; results equal the in-thread scanner and arrive in one moved buffer', async () => {
    pool = createPool({ size: 2 });
    await pool.warm([SCAN_WORKER]);
    assert.equal(pool.stats().tasks, 0, 'warming is not a task');
    const needles = createScanNeedles(needleList);
    const scans = await Promise.all(packages.map((files) => scanPackage(pool, files, needles)));
    const local = loadScanner();
    const set = local.prepareNeedles(needleList);
    scans.forEach((scan, p) => {
      assert.equal(scan.files.length, packages[p]!.length);
      assert.equal(scan.variant, 'simd');
      let bytes = 0;
      scan.files.forEach((f, i) => {
        assert.equal(f.path, packages[p]![i]);
        const want = local.scanFile(f.path, set);
        assert.deepEqual(presentNeedles(f), presentNeedles(want), `${f.path}`);
        assert.equal(f.hash, want.hash);
        assert.equal(f.size, want.size);
        assert.equal(f.present.buffer, scan.files[0]!.present.buffer, 'views into one buffer');
        bytes += f.size;
      });
      assert.equal(scan.bytes, bytes);
    });
    // The sprinkled needles make both outcomes occur.
    const all = scans.flatMap((s) => s.files);
    assert.ok(all.some((f) => hasNeedle(f, 0)) && all.some((f) => !hasNeedle(f, 0)));
  });

  it('a file that cannot be read fails the task with E_WORKER naming the file', async () => {
    const missing = join(dir, 'pkg0', 'gone.go');
    const needles = createScanNeedles(needleList);
    await rejectsWith(scanPackage(pool, [packages[1]![0]!, missing], needles), (e) => {
      assert.equal(e.code, 'E_WORKER');
      assert.equal(e.location?.file, missing);
      assert.match(e.message, /ENOENT/);
    });
    const ok = await scanPackage(pool, packages[2]!, needles);
    assert.equal(ok.files.length, packages[2]!.length);
  });

  it('a task naming a needle set the worker has not seen, without its needles, fails clearly', async () => {
    await rejectsWith(pool.run(SCAN_WORKER, { files: packages[0]!, needles: null, needleSetId: 'never-sent' }), (e) => {
      assert.equal(e.code, 'E_WORKER');
      assert.match(e.message, /never-sent/);
    });
  });

  it('needles travel packed in shared memory, or as strings, with the same results', async () => {
    const needles = createScanNeedles(['é', 'net/http', 'x']);
    assert.deepEqual(unpackNeedles(needles.packed).map((b) => Buffer.from(b).toString('utf8')), ['é', 'net/http', 'x']);
    const viaStrings = await pool.run<Uint32Array>(SCAN_WORKER,
      { files: packages[4]!, needles: ['é', 'net/http', 'x'], needleSetId: 'strings-' + needles.id });
    const viaPacked = await scanPackage(pool, packages[4]!, needles);
    assert.deepEqual(unpackScan(viaStrings, packages[4]!).files.map((f) => presentNeedles(f)), viaPacked.files.map((f) => presentNeedles(f)));
  });

  it('hashing can be turned off', async () => {
    const r = await scanPackage(pool, packages[3]!, createScanNeedles(['x']), { hash: false });
    assert.ok(r.files.every((f) => f.hash === 0n));
  });
});

describe('shutdown', () => {
  it('close() leaves no worker threads behind and later runs reject with E_CLOSED', async () => {
    const base = liveWorkers();
    const pool = createPool({ size: 2 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => pool.run(TEST_WORKER, { op: 'echo', value: i, ms: 2 } satisfies TestTask)));
    assert.equal(liveWorkers(), base + 2);
    const running = pool.run<{ value: string }>(TEST_WORKER, { op: 'echo', value: 'last', ms: 50 } satisfies TestTask);
    await pool.close();
    assert.equal((await running).value, 'last', 'close waits for running tasks');
    assert.equal(pool.stats().threads, 0);
    assert.equal(liveWorkers(), base, 'no threads left (process report)');
    await rejectsWith(pool.run(TEST_WORKER, { op: 'echo', value: 1 } satisfies TestTask), (e) => assert.equal(e.code, 'E_CLOSED'));
    await pool.close(); // idempotent
  });
});
