// The weaver hook of a build: packages are screened on the server thread, so neither the
// importcfg nor the worker pool is touched for a package no aspect can match.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WeftError } from '../../../src/errors.js';
import type { WorkerPool } from '../../../src/pool/index.js';
import type { ToolRequest } from '../../../src/protocol/index.js';
import { handleToolRequest, replyOf } from '../../../src/jobserver/index.js';
import { createBuildContext, disposeBuildContext, formatStats } from '../../../src/weaving/index.js';
import { installWeaver, lazyPool, weaveHereWhileIdle } from '../../../src/weaving/weaver.js';
import { advice, aspect, config, jp, tpl } from '../weave/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'weft-weaver-'));
after(() => rmSync(root, { recursive: true, force: true }));

function compile(name: string, source: string): ToolRequest {
  const work = join(root, name, 'b001');
  mkdirSync(work, { recursive: true });
  const file = join(root, name, `${name}.go`);
  writeFileSync(file, source);
  // No importcfg file exists: reading it fails, which shows whether it was read.
  const args = ['-o', join(work, '_pkg_.a'), '-p', `example.com/${name}`, '-lang=go1.22', '-importcfg', join(work, 'importcfg'), '-pack', file];
  return { t: 'tool', id: 1, tool: 'compile', path: '/go/compile', args, cwd: root, pkg: `example.com/${name}`, env: {}, pid: 1 };
}

const signal = new AbortController().signal;

describe('installWeaver', () => {
  it('answers packages without needles on the server thread and reads the importcfg only for candidates', async () => {
    const cfg = config(aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'Traced' }] }) }),
      advice({ kind: 'prepend-statements', template: tpl('println("woven")') })));
    const ctx = createBuildContext({ config: cfg });
    await installWeaver(ctx);
    try {
      const plain = await handleToolRequest(ctx, compile('plain', 'package plain\n\nfunc Other() {}\n'), signal);
      assert.equal(plain.outcome, 'unchanged');
      assert.equal(ctx.stats.weave.filesScanned, 1);
      assert.equal(ctx.stats.weave.filesParsed, 0);
      await assert.rejects(handleToolRequest(ctx, compile('traced', 'package traced\n\nfunc Traced() {}\n'), signal),
        (e: unknown) => e instanceof WeftError && e.code === 'E_TOOLEXEC' && /cannot read the compile's importcfg/.test(e.message));
    } finally {
      await disposeBuildContext(ctx);
    }
  });
});

describe('the one rule in a build: warnings, stats and strict mode', () => {
  const source = 'package app\n\nimport "database/sql"\n\nfunc open() *sql.DB { return nil }\n\nfunc f() {\n\tdb := open()\n\t_, _ = db.Query("x")\n}\n';
  const cfg = config(aspect('query', jp({ kind: 'method-call', receiver: { kind: 'named', path: 'database/sql', name: 'DB', text: 'database/sql.DB' }, name: 'Query', match: 'any' }),
    advice({ kind: 'wrap-expression', template: tpl('{{ . }}') })));
  // A real toolchain's compile path: the type oracle is built and asked, and cannot load
  // database/sql from this importcfg, so the candidate stays undecided with its reason.
  const goroot = spawnSync('go', ['env', 'GOROOT', 'GOHOSTOS', 'GOHOSTARCH'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const compilePath = join(goroot[0]!, 'pkg', 'tool', `${goroot[1]}_${goroot[2]}`, 'compile');
  function undecidedCompile(name: string): ToolRequest {
    const req = { ...compile(name, source), path: compilePath };
    writeFileSync(join(root, name, 'b001', 'importcfg'), 'packagefile database/sql=/nowhere/sql.a\n');
    return req;
  }

  it('by default the compile goes on unchanged, the warning travels in the reply and is counted', async () => {
    const ctx = createBuildContext({ config: cfg });
    await installWeaver(ctx);
    try {
      const req = undecidedCompile('warns');
      const handled = await handleToolRequest(ctx, req, signal);
      assert.equal(handled.outcome, 'unchanged');
      assert.deepEqual(handled.plan.args, req.args);
      const reply = replyOf(req, handled.plan);
      assert.ok(reply.ok);
      assert.equal(reply.warnings?.length, 1);
      assert.match(reply.warnings![0]!, /^weft: warning: .*warns\.go:9:9: aspect "query" not woven: method-call database\/sql\.DB\.Query: the type of `db` needs type information \(the type oracle could not answer: go\/types cannot check package example\.com\/warns: .*\/nowhere\/sql\.a.*\)$/);
      assert.deepEqual(ctx.stats.snapshot().types.packages, ['example.com/warns']);
      assert.equal(ctx.stats.snapshot().warnings, 1);
      assert.match(formatStats(ctx.stats.snapshot()), /weft stats: 1 warning\(s\)/);
    } finally {
      await disposeBuildContext(ctx);
    }
  });

  it('in strict mode the same compile fails with E_UNDECIDABLE naming the aspect and the place', async () => {
    const ctx = createBuildContext({ config: cfg, strict: true });
    await installWeaver(ctx);
    try {
      await assert.rejects(handleToolRequest(ctx, undecidedCompile('strict'), signal), (e: unknown) => {
        assert.ok(e instanceof WeftError);
        assert.equal(e.code, 'E_UNDECIDABLE');
        assert.equal(e.aspect, 'query');
        assert.equal(e.location?.line, 9);
        assert.match(e.message, /strict mode: example\.com\/strict has 1 candidate\(s\) weft could not decide or weave/);
        assert.match(e.hint ?? '', /--weft-strict/);
        return true;
      });
      assert.equal(ctx.stats.snapshot().warnings, 1);
    } finally {
      await disposeBuildContext(ctx);
    }
  });

  it('no warning and no reply field when nothing is undecided', () => {
    const reply = replyOf({ t: 'tool', id: 3, tool: 'compile', path: '/go/compile', args: ['a'], cwd: '/', pkg: '', env: {}, pid: 1 }, { args: ['a'] });
    assert.deepEqual(reply, { t: 'reply', id: 3, ok: true, args: ['a'] });
  });
});

describe('lazyPool', () => {
  function fakePool(): { made: number; create: () => WorkerPool } {
    const state = { made: 0, create: (): WorkerPool => {
      state.made++;
      let closed = false;
      return {
        size: 1,
        run: async <T>(_f: URL | string, task: unknown) => {
          if (closed) throw new WeftError('E_CLOSED', 'closed');
          return task as T;
        },
        warm: async () => {},
        close: async () => { closed = true; },
        stats: () => ({ threads: 1, tasks: 0, failed: 0, pending: 0, taskMicros: 0, busyMicros: 0, utilization: 0 }),
      };
    } };
    return state;
  }

  it('starts the pool with the first task, once', async () => {
    const f = fakePool();
    const pool = lazyPool(f.create);
    assert.equal(f.made, 0);
    assert.equal(await pool.run('w.js', 1), 1);
    assert.equal(await pool.run('w.js', 2), 2);
    assert.equal(f.made, 1);
    await pool.close();
    await assert.rejects(pool.run('w.js', 3), (e: unknown) => e instanceof WeftError && e.code === 'E_CLOSED');
  });

  it('calls firstUse once per worker file, before its first task: a pool that only scans never warms the weave worker', async () => {
    const f = fakePool();
    const events: string[] = [];
    const pool = lazyPool(() => {
      const p = f.create();
      return { ...p, run: <T>(file: URL | string, task: unknown) => { events.push(`run ${String(file)}`); return p.run<T>(file, task); } };
    }, (_p, file) => events.push(`first ${String(file)}`));
    await pool.run('scan.js', 1);
    await pool.run('scan.js', 2);
    assert.deepEqual(events, ['first scan.js', 'run scan.js', 'run scan.js']);
    await pool.run('weave.js', 3);
    assert.deepEqual(events.slice(3), ['first weave.js', 'run weave.js']);
    assert.equal(f.made, 1);
  });

  it('never starts a pool that was not used, and rejects tasks after close', async () => {
    const f = fakePool();
    const pool = lazyPool(f.create);
    await pool.close();
    await assert.rejects(pool.run('w.js', 1), (e: unknown) => e instanceof WeftError && e.code === 'E_CLOSED');
    assert.equal(f.made, 0);
  });
});

describe('weaving on the calling thread', () => {
  const cfg = config(aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'Traced' }] }) }),
    advice({ kind: 'prepend-statements', template: tpl('println("woven")') })));
  function countingPool(): WorkerPool & { runs: number } {
    const p = {
      runs: 0,
      size: 1,
      run: async <T>(): Promise<T> => {
        p.runs++;
        throw new WeftError('E_WORKER', 'the pool was asked');
      },
      warm: async () => {},
      close: async () => {},
      stats: () => ({ threads: 1, tasks: 0, failed: 0, pending: 0, taskMicros: 0, busyMicros: 0, utilization: 0 }),
    };
    return p;
  }

  it('weaves a package on this thread when onThisThread says so, with the size of what it weaves, and in the pool otherwise', async () => {
    const { createWeaver } = await import('../../../src/weave/index.js');
    const { parseCompileArgs } = await import('../../../src/toolexec/compile-args.js');
    const { weaveInputOf } = await import('../../../src/weaving/weave-input.js');
    const source = 'package here\n\nfunc Traced() {}\n';
    const ctx = createBuildContext({ config: cfg });
    try {
      const req = compile('here', source);
      const input = weaveInputOf(ctx, req, parseCompileArgs(req.args));
      const pool = countingPool();
      const weave = createWeaver({ config: cfg, pool });
      const asked: number[] = [];
      const here = await weave(input, { importcfgPackages: () => [], onThisThread: (bytes) => (asked.push(bytes), true) });
      assert.deepEqual(asked, [Buffer.byteLength(source)]);
      assert.equal(pool.runs, 0);
      assert.ok(here.ok);
      assert.equal(here.result.files.length, 1);
      assert.match(here.result.files[0]!.text, /println\("woven"\)/);
      const there = await weave(input, { importcfgPackages: () => [], onThisThread: () => false });
      assert.equal(pool.runs, 1);
      assert.equal(there.ok, false);
      // A package no aspect can match is answered by the screening: nothing is woven anywhere.
      const plain = compile('plainhere', 'package plainhere\n\nfunc Other() {}\n');
      asked.length = 0;
      const none = await weave(weaveInputOf(ctx, plain, parseCompileArgs(plain.args)), { onThisThread: (bytes) => (asked.push(bytes), true) });
      assert.ok(none.ok);
      assert.deepEqual(asked, []);
    } finally {
      await disposeBuildContext(ctx);
    }
  });

  it('weaveHereWhileIdle: yes within the budget while the pool has no threads, no once it has or the budget is spent', async () => {
    const idle = lazyPool(() => countingPool());
    const here = weaveHereWhileIdle(idle, 100);
    assert.equal(here(60), true);
    assert.equal(here(60), false, 'over the budget');
    assert.equal(here(40), true);
    assert.equal(here(1), false);
    const started = lazyPool(() => countingPool());
    const later = weaveHereWhileIdle(started, 100);
    assert.equal(started.started, false);
    await started.run('w.js', 1).catch(() => undefined);
    assert.equal(started.started, true);
    assert.equal(later(1), false, 'the pool has threads: it weaves there');
  });

  it('a build\'s plan weaver weaves a small package without starting the pool', async () => {
    const ctx = createBuildContext({ config: cfg });
    await installWeaver(ctx);
    try {
      const { parseCompileArgs } = await import('../../../src/toolexec/compile-args.js');
      const { weaveInputOf } = await import('../../../src/weaving/weave-input.js');
      const req = compile('planhere', 'package planhere\n\nfunc Traced() {}\n');
      const threads = (): number => (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
      const before = threads();
      const outcome = await ctx.planWeaver!({ ...weaveInputOf(ctx, req, parseCompileArgs(req.args)), importcfgPackages: [] }, {});
      assert.ok(outcome.ok);
      assert.equal(outcome.result.files.length, 1);
      assert.equal(threads(), before, 'no worker thread was started');
    } finally {
      await disposeBuildContext(ctx);
    }
  });
});

describe('abandoned compiles', () => {
  it('a compile whose request is abandoned (timeout, shim gone, shutdown) stops its pool task instead of leaving it running', async () => {
    const { createWeaver } = await import('../../../src/weave/index.js');
    const { parseCompileArgs } = await import('../../../src/toolexec/compile-args.js');
    const { weaveInputOf } = await import('../../../src/weaving/weave-input.js');
    const cfg = config(aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'Traced' }] }) }),
      advice({ kind: 'prepend-statements', template: tpl('println("woven")') })));
    let running = 0;
    let stopped = 0;
    // A task that runs until its signal stops it, as a slow weave would.
    const pool: WorkerPool = {
      size: 1,
      run: <T>(_f: URL | string, _t: unknown, _tl?: unknown, o?: { signal?: AbortSignal }) => new Promise<T>((_resolve, reject) => {
        running++;
        o?.signal?.addEventListener('abort', () => {
          stopped++;
          reject(new WeftError('E_WORKER', 'task aborted'));
        });
      }),
      warm: async () => {},
      close: async () => {},
      stats: () => ({ threads: 1, tasks: 0, failed: 0, pending: running - stopped, taskMicros: 0, busyMicros: 0, utilization: 0 }),
    };
    const ctx = createBuildContext({ config: cfg });
    try {
      const req = compile('abandoned', 'package abandoned\n\nfunc Traced() {}\n');
      const ac = new AbortController();
      const outcome = createWeaver({ config: cfg, pool })(weaveInputOf(ctx, req, parseCompileArgs(req.args)), { importcfgPackages: () => [], signal: ac.signal });
      for (let i = 0; i < 100 && running === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(running, 1, 'the package went to the pool');
      ac.abort(new WeftError('E_TIMEOUT', 'too slow'));
      const settled = await Promise.race([outcome, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 2000))]);
      assert.notEqual(settled, 'hung', 'the pool task kept running after its request was abandoned');
      assert.equal(stopped, 1);
      assert.equal(settled !== 'hung' && settled.ok, false);
    } finally {
      await disposeBuildContext(ctx);
    }
  });
});
