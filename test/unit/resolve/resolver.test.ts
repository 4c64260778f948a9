import { test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Resolver } from '../../../src/resolve/resolver.js';
import type { GoListOptions, GoListResult, ListedPackage } from '../../../src/resolve/go-list.js';
import { WeftError } from '../../../src/errors.js';

/** A fake `go list` over a fixed import graph; export runs can be held open to test concurrency. */
function fakeGoList(graph: Record<string, string[]>, opts: { hold?: boolean; missing?: string[] } = {}) {
  const calls: { patterns: string[]; export: boolean }[] = [];
  const held: (() => void)[] = [];
  const closure = (p: string, seen = new Set<string>()): Set<string> => {
    for (const d of graph[p] ?? []) if (!seen.has(d)) { seen.add(d); closure(d, seen); }
    return seen;
  };
  const fn = async (patterns: readonly string[], o: GoListOptions): Promise<GoListResult> => {
    calls.push({ patterns: [...patterns], export: o.export });
    if (o.export && opts.hold === true) await new Promise<void>((r) => held.push(r));
    const out = new Map<string, ListedPackage>();
    for (const root of patterns) {
      if (opts.missing?.includes(root)) {
        out.set(root, { ImportPath: root, Error: { Err: `no required module provides package ${root}` } });
        continue;
      }
      for (const p of [...closure(root), root]) {
        const pkg: ListedPackage = { ImportPath: p, Deps: [...closure(p)].sort(), Standard: !p.includes('.') };
        if (o.export) pkg.Export = `/cache/${p}.a`;
        out.set(p, pkg);
      }
    }
    return { packages: [...out.values()], command: 'go list', stderr: '', exitCode: 0, millis: 1 };
  };
  return { fn, calls, release: () => held.splice(0).forEach((r) => r()) };
}

const graph = {
  'example.com/rt': ['fmt', 'sync'],
  'example.com/rt/http': ['example.com/rt', 'net/http'],
  'net/http': ['fmt', 'sync', 'net'],
  fmt: ['sync'],
  net: ['sync'],
  sync: [],
};

function resolver(g: ReturnType<typeof fakeGoList>, injected: string[]) {
  return new Resolver({ go: 'go', dir: '/m', env: {}, flags: ['-race'], toolexec: '/shim', injected, aspectsOf: (p) => (p.startsWith('example.com') ? ['trace-http'] : []), goList: g.fn });
}

test('one listing of everything injectable; export runs only for what is asked, cached after', async () => {
  const g = fakeGoList(graph);
  const r = resolver(g, ['example.com/rt', 'example.com/rt/http']);
  await r.list();
  const a = await r.archives(['example.com/rt'], 'example.com/app');
  assert.equal(a.get('example.com/rt'), '/cache/example.com/rt.a');
  assert.equal(a.get('fmt'), '/cache/fmt.a');
  assert.equal(a.has('net/http'), false, 'only the closure of what was asked');
  const again = await r.archives(['example.com/rt'], 'example.com/other');
  assert.equal(again.get('example.com/rt'), '/cache/example.com/rt.a');
  const b = await r.archives(['example.com/rt/http'], 'example.com/other');
  assert.equal(b.get('net/http'), '/cache/net/http.a');
  assert.deepEqual(g.calls, [
    { patterns: ['example.com/rt', 'example.com/rt/http'], export: false },
    { patterns: ['example.com/rt'], export: true },
    { patterns: ['example.com/rt/http'], export: true },
  ]);
  assert.equal(r.listRuns + r.exportRuns, 3);
});

test('a package the configuration names but nothing asks for is never built', async () => {
  const g = fakeGoList(graph);
  const r = resolver(g, ['example.com/rt', 'example.com/rt/http']);
  await r.archives(['example.com/rt'], 'example.com/app');
  await r.archives([], '');
  assert.ok(g.calls.filter((c) => c.export).every((c) => !c.patterns.includes('example.com/rt/http')), JSON.stringify(g.calls));
});

test('a package built inside an earlier run\'s closure needs no run of its own', async () => {
  const g = fakeGoList(graph);
  const r = resolver(g, ['example.com/rt', 'example.com/rt/http']);
  await r.archives(['example.com/rt/http'], 'example.com/app');
  assert.equal((await r.archives(['example.com/rt'], 'example.com/other')).get('example.com/rt'), '/cache/example.com/rt.a');
  assert.equal(g.calls.filter((c) => c.export).length, 1);
});

test('requests of the outer build wait for a running export run and share the next one: nested go runs never overlap', async () => {
  const g = fakeGoList({ ...graph, 'example.com/rt/a': ['fmt'], 'example.com/rt/b': ['sync'] }, { hold: true });
  const r = resolver(g, ['example.com/rt', 'example.com/rt/a', 'example.com/rt/b']);
  const first = r.archives(['example.com/rt'], 'example.com/app/x');
  await new Promise((res) => setTimeout(res, 10));
  const second = r.archives(['example.com/rt/a'], 'example.com/app/y');
  const third = r.archives(['example.com/rt/b'], 'example.com/app/z');
  await new Promise((res) => setTimeout(res, 10));
  assert.deepEqual(g.calls.filter((c) => c.export).map((c) => c.patterns), [['example.com/rt']], 'the later requests wait');
  g.release();
  await first;
  await new Promise((res) => setTimeout(res, 10));
  assert.deepEqual(g.calls.filter((c) => c.export).map((c) => c.patterns), [['example.com/rt'], ['example.com/rt/a', 'example.com/rt/b']], 'one run for both');
  g.release();
  assert.ok((await second).has('example.com/rt/a'));
  assert.ok((await third).has('example.com/rt/b'));
});

test('concurrent requests for the same package wait for one run', async () => {
  const g = fakeGoList(graph, { hold: true });
  const r = resolver(g, ['example.com/rt']);
  const all = Promise.all([1, 2, 3, 4, 5].map((i) => r.archives(['example.com/rt'], `example.com/app/p${i}`)));
  await new Promise((res) => setTimeout(res, 20));
  g.release();
  const results = await all;
  assert.ok(results.every((m) => m.get('example.com/rt') === '/cache/example.com/rt.a'));
  assert.equal(g.calls.filter((c) => c.export).length, 1);
});

test('a compile inside the closure of what it needs is refused with E_CYCLE naming the aspect and linkname', async () => {
  const g = fakeGoList(graph);
  const r = resolver(g, ['example.com/rt/http']);
  await assert.rejects(r.archives(['example.com/rt/http'], 'net/http'), (e: unknown) => {
    assert.ok(e instanceof WeftError);
    assert.equal(e.code, 'E_CYCLE');
    assert.equal(e.aspect, 'trace-http');
    assert.match(e.message, /net\/http/);
    assert.match(e.hint ?? '', /linkname/);
    return true;
  });
  assert.equal(g.calls.filter((c) => c.export).length, 0, 'nothing was built');
  assert.equal(r.inInjectedClosure('net/http'), true);
  assert.equal(r.inInjectedClosure('example.com/app'), false);
});

test('a requester inside the injected closure gets its own run instead of waiting on one that builds it', async () => {
  const g = fakeGoList(graph, { hold: true });
  // net is in the closure of rt/http (via net/http) but needs only rt, whose closure lacks net.
  const r = resolver(g, ['example.com/rt', 'example.com/rt/http']);
  const big = r.archives(['example.com/rt/http'], 'example.com/app');
  await new Promise((res) => setTimeout(res, 10));
  const small = r.archives(['example.com/rt'], 'net');
  await new Promise((res) => setTimeout(res, 10));
  const exportRuns = g.calls.filter((c) => c.export).map((c) => c.patterns);
  assert.deepEqual(exportRuns, [['example.com/rt/http'], ['example.com/rt']]);
  g.release();
  await new Promise((res) => setTimeout(res, 10));
  g.release();
  assert.equal((await small).get('example.com/rt'), '/cache/example.com/rt.a');
  assert.equal((await big).get('example.com/rt/http'), '/cache/example.com/rt/http.a');
});

test('a missing package is E_RESOLVE naming the aspect and telling to go get it', async () => {
  const g = fakeGoList(graph, { missing: ['example.com/nope'] });
  const r = resolver(g, ['example.com/nope', 'example.com/rt']);
  await assert.rejects(r.archives(['example.com/nope'], 'example.com/app'), (e: unknown) => {
    assert.ok(e instanceof WeftError);
    assert.equal(e.code, 'E_RESOLVE');
    assert.equal(e.aspect, 'trace-http');
    assert.match(e.message, /example\.com\/nope.*no required module/);
    assert.match(e.hint ?? '', /run `weft pin example\.com\/nope`/);
    return true;
  });
  // the other injected package still resolves
  assert.ok((await r.archives(['example.com/rt'], 'example.com/app')).has('example.com/rt'));
});

test('a missing package of weft\'s OpenTelemetry pack says to run `weft pin` with no argument', async () => {
  const pkg = 'github.com/weft-dev/weft/packs/otel';
  const g = fakeGoList(graph, { missing: [pkg] });
  const r = resolver(g, [pkg]);
  await assert.rejects(r.archives([pkg], 'example.com/app'), (e: unknown) => {
    assert.ok(e instanceof WeftError && e.code === 'E_RESOLVE');
    assert.match(e.hint ?? '', /^run `weft pin` in the main module: it copies weft's OpenTelemetry pack/);
    return true;
  });
});

test('a listing that go refuses as a whole (updates to go.mod needed) is split until only the guilty packages carry the error', async () => {
  const g = fakeGoList(graph);
  const fn = async (patterns: readonly string[], o: GoListOptions): Promise<GoListResult> => {
    if (patterns.includes('example.com/unrequired')) {
      g.calls.push({ patterns: [...patterns], export: o.export });
      return { packages: [], command: 'go list', stderr: 'go: updates to go.mod needed; to update it:\n\tgo mod tidy\n', exitCode: 1, millis: 1 };
    }
    return g.fn(patterns, o);
  };
  const r = new Resolver({ go: 'go', dir: '/m', env: {}, flags: [], toolexec: null, injected: ['example.com/rt', 'example.com/rt/http', 'example.com/unrequired'], goList: fn });
  await r.list();
  assert.equal(r.listedPackage('example.com/rt')?.Error, undefined);
  assert.equal(r.listedPackage('example.com/rt/http')?.Error, undefined);
  assert.match(r.listedPackage('example.com/unrequired')?.Error?.Err ?? '', /updates to go\.mod needed/);
  assert.ok((await r.archives(['example.com/rt/http'], 'example.com/app')).has('example.com/rt'));
  await assert.rejects(r.archives(['example.com/unrequired'], 'example.com/app'), /updates to go\.mod needed/);
});

test('the injected fingerprint changes with module versions and with listing errors', async () => {
  const mk = (version: string, missing: boolean) => {
    const fn = async (patterns: readonly string[]): Promise<GoListResult> => ({
      packages: patterns.map((p) => (missing ? { ImportPath: p, Error: { Err: 'gone' } } : { ImportPath: p, Module: { Path: 'example.com/rt', Version: version, Sum: `h1:${version}` } })),
      command: 'go list', stderr: '', exitCode: 0, millis: 1,
    });
    return new Resolver({ go: 'go', dir: '/m', env: {}, flags: [], toolexec: null, injected: ['example.com/rt'], goList: fn });
  };
  const fp = async (v: string, missing = false) => {
    const r = mk(v, missing);
    await r.list();
    return r.injectedFingerprint();
  };
  assert.equal(await fp('v1.0.0'), await fp('v1.0.0'));
  assert.notEqual(await fp('v1.0.0'), await fp('v1.0.1'));
  assert.notEqual(await fp('v1.0.0'), await fp('v1.0.0', true));
});

// A local (replaced-by-directory) injected package compiled without -trimpath records its
// directory in its export data, so the packages woven to import it must be keyed by the
// directory too: two checkouts of one module sharing a GOCACHE otherwise link one's woven
// archives against the other's (the linker's "fingerprint mismatch").
test('the injected fingerprint of a package from a local directory changes with the directory; the weave cache identity does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-resolver-dir-'));
  try {
    for (const d of ['a', 'b']) {
      mkdirSync(join(dir, d));
      writeFileSync(join(dir, d, 'rt.go'), 'package rt\n');
    }
    const fp = async (d: string) => {
      const fn = async (patterns: readonly string[]): Promise<GoListResult> => ({
        packages: patterns.map((p) => ({ ImportPath: p, Dir: join(dir, d), GoFiles: ['rt.go'], Module: { Path: 'example.com/rt', Replace: { Path: `./${d}` } } })),
        command: 'go list', stderr: '', exitCode: 0, millis: 1,
      });
      const r = new Resolver({ go: 'go', dir: '/m', env: {}, flags: [], toolexec: null, injected: ['example.com/rt'], goList: fn });
      await r.list();
      return { build: r.injectedFingerprint(), weave: r.injectedIdentity(['example.com/rt']) };
    };
    assert.deepEqual(await fp('a'), await fp('a'));
    assert.notEqual((await fp('a')).build, (await fp('b')).build);
    // Woven source does not depend on the directory: checkouts share the weave cache.
    assert.equal((await fp('a')).weave, (await fp('b')).weave);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a go list that could not run fails the waiting compiles, and the next one runs it again instead of inheriting the failure', async () => {
  const g = fakeGoList(graph);
  let failures = 1;
  const flaky = async (patterns: readonly string[], o: GoListOptions): Promise<GoListResult> => {
    if (failures-- > 0) throw new WeftError('E_RESOLVE', 'cannot run go list: spawn go EAGAIN');
    return g.fn(patterns, o);
  };
  const r = new Resolver({ go: 'go', dir: '/m', env: {}, flags: [], toolexec: null, injected: ['example.com/rt'], goList: flaky });
  await assert.rejects(r.archives(['example.com/rt'], 'example.com/app'), /EAGAIN/);
  const a = await r.archives(['example.com/rt'], 'example.com/app');
  assert.equal(a.get('example.com/rt'), '/cache/example.com/rt.a');
});

test('adoptExports: archives a build of the same key kept stand in for an export run when they cover the closure, and only then', async () => {
  const g = fakeGoList(graph);
  const r = resolver(g, ['example.com/rt', 'example.com/rt/http']);
  await r.list();
  const partial = new Map([['example.com/rt', '/kept/rt.a'], ['fmt', '/kept/fmt.a']]);
  assert.equal(r.adoptExports(['example.com/rt'], partial), false, 'sync is missing');
  const whole = new Map([...partial, ['sync', '/kept/sync.a']]);
  assert.equal(r.adoptExports(['example.com/rt'], whole), true);
  const a = await r.archives(['example.com/rt'], 'example.com/app');
  assert.equal(a.get('example.com/rt'), '/kept/rt.a');
  assert.equal(a.get('sync'), '/kept/sync.a');
  assert.deepEqual(g.calls.filter((c) => c.export), [], 'no export run');
  // What the kept archives do not cover is built as before.
  const h = await r.archives(['example.com/rt/http'], 'example.com/app');
  assert.equal(h.get('net/http'), '/cache/net/http.a');
  assert.equal(g.calls.filter((c) => c.export).length, 1);
});

test('the first listing comes from the listing cache when it holds it (no go list), and is kept when listed', async () => {
  const g = fakeGoList(graph);
  const kept: ListedPackage[][] = [];
  const cache = { read: () => (kept[0] ?? null), write: (_p: readonly string[], _d: string, _f: readonly string[], _e: NodeJS.ProcessEnv, listed: readonly ListedPackage[]) => { kept.push([...listed]); return true; } };
  const first = new Resolver({ go: 'go', dir: '/m', env: {}, flags: [], toolexec: null, injected: ['example.com/rt'], goList: g.fn, listingCache: cache });
  await first.list();
  assert.equal(g.calls.length, 1);
  assert.equal(kept.length, 1);
  const second = new Resolver({ go: 'go', dir: '/m', env: {}, flags: [], toolexec: null, injected: ['example.com/rt'], goList: g.fn, listingCache: cache });
  await second.list();
  assert.equal(g.calls.length, 1, 'no second go list');
  assert.deepEqual([...second.closureOf(['example.com/rt'])].sort(), ['example.com/rt', 'fmt', 'sync']);
  assert.equal(second.injectedFingerprint(), first.injectedFingerprint());
});
