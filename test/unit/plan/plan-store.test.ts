// The persisted form of a plan (src/plan/plan-store.ts): what it keeps comes back whole, at the
// same path or another one; a changed file is found by content whatever its times say; an entry
// cut short or altered is never used; several writers leave one whole entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStore } from '../../../src/cache/store.js';
import { decodePlan, encodePlan, storedPlanKey } from '../../../src/plan/plan-store.js';
import { recordPlan, revalidatePlan } from '../../../src/plan/plan-record.js';
import { PlanSnapshot, stampFiles, type BuildPlan, type Verdict } from '../../../src/plan/plan.js';
import type { ListedPackage } from '../../../src/resolve/go-list.js';
import { readGoCommand } from '../../../src/toolexec/go-command-line.js';

/** A module m (m/a woven, m/b unmarked, m/c a dependent), as a planned build of `./...` leaves it. */
function makePlan(root: string): { plan: BuildPlan; env: NodeJS.ProcessEnv } {
  for (const d of ['a', 'b', 'c']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'go.mod'), 'module m\n\ngo 1.23\n');
  writeFileSync(join(root, 'go.sum'), '');
  writeFileSync(join(root, 'a', 'a.go'), 'package a\n\nimport "fmt"\n\nfunc Hello() { fmt.Println("a") }\n');
  writeFileSync(join(root, 'b', 'b.go'), 'package b\n\nfunc B() int { return 1 }\n');
  writeFileSync(join(root, 'c', 'c.go'), 'package c\n\nimport "m/a"\n\nfunc C() { a.Hello() }\n');
  const then = new Date(Date.now() - 60_000);
  for (const f of ['go.mod', 'go.sum', 'a/a.go', 'b/b.go', 'c/c.go', 'a', 'b', 'c', '.']) utimesSync(join(root, f), then, then);
  const main = { Path: 'm', Dir: root, Main: true, GoMod: join(root, 'go.mod') };
  const listed: ListedPackage[] = [
    { ImportPath: 'm/a', Name: 'a', Dir: join(root, 'a'), GoFiles: ['a.go'], Imports: ['fmt'], Deps: ['fmt'], Module: main },
    { ImportPath: 'm/b', Name: 'b', Dir: join(root, 'b'), GoFiles: ['b.go'], Module: main },
    { ImportPath: 'm/c', Name: 'c', Dir: join(root, 'c'), GoFiles: ['c.go'], Imports: ['m/a'], Deps: ['fmt', 'm/a'], Module: main },
    { ImportPath: 'fmt', Name: 'fmt', Dir: '/usr/lib/go/src/fmt', GoFiles: ['print.go'], Standard: true },
  ];
  const aGo = join(root, 'a', 'a.go');
  const verdict: Verdict = {
    reason: 'woven',
    linkDeps: true,
    result: {
      files: [{ original: aGo, text: `//line ${aGo}:1:1\npackage a\n\nimport "fmt"\n\nfunc Hello() { println("weft"); fmt.Println("a") }\n` }],
      extraFiles: [],
      addedImports: [],
      linkDeps: ['m/trace'],
      lang: '',
      aspects: ['hello'],
      stats: { filesScanned: 1, filesParsed: 1, filesWoven: 1, nodesWoven: 1, scanMicros: 1, parseMicros: 1, weaveMicros: 1 },
    },
  };
  const stamps = stampFiles([aGo, join(root, 'b', 'b.go'), join(root, 'c', 'c.go')]);
  const plan: BuildPlan = {
    mark: '0123456789abcdef',
    compileMarks: new Map([['m/a', 'woven'], ['m/c', 'dependent']]),
    flags: ['-gcflags=fmt=-weftmark=0123456789abcdef', '-gcflags=', '-overlay=/tmp/gone/overlay.json'],
    markFiles: { [join(root, 'a', 'weft_mark_0123456789abcdef.go')]: 'package a\n' },
    routeFile: '/tmp/gone/route',
    routed: new Set(['m/c']),
    counts: { listed: 4, injected: 1, candidates: 1, woven: 1, deferred: 0, dependents: 1, compileMarks: 2, overlayMarks: 1, goListRuns: 1, filesScanned: 3, filesParsed: 1, screenedInPool: 0, millis: 900 },
    snapshot: PlanSnapshot.EMPTY.with([['m/b', [join(root, 'b', 'b.go')]], ['fmt', ['/usr/lib/go/src/fmt/print.go']]], stamps),
    stamps,
    listedAtMs: Date.now(),
    packages: new Map(listed.map((p) => [p.ImportPath, p])),
    userOverlay: {},
    verdicts: new Map([['m/a', verdict]]),
    forceUnmarked: new Set(),
    injected: ['m/trace'],
  };
  return { plan, env: { GOMODCACHE: join(root, '..', 'modcache') } };
}

function setUp(): { base: string; root: string; plan: BuildPlan; body: Buffer } {
  const base = mkdtempSync(join(tmpdir(), 'weft-planstore-'));
  const root = join(base, 'checkout', 'm');
  const { plan, env } = makePlan(root);
  const record = recordPlan(plan, env, env['GOMODCACHE']!);
  assert.ok(record !== null, 'the plan can be recorded');
  return { base, root, plan, body: encodePlan(plan, record, root) };
}

test('a stored plan comes back whole: marks, weaves, listing, snapshot; its temporary files are written again', () => {
  const { base, root, plan, body } = setUp();
  const disposers: (() => void)[] = [];
  const loaded = decodePlan(body, root, disposers);
  assert.ok(typeof loaded !== 'string', String(loaded));
  const p = loaded.plan;
  assert.deepEqual([...p.compileMarks], [...plan.compileMarks]);
  assert.deepEqual([...p.verdicts], [...plan.verdicts]);
  assert.deepEqual([...p.packages], [...plan.packages]);
  assert.deepEqual([p.mark, p.counts, p.injected, [...p.routed], p.markFiles], [plan.mark, plan.counts, plan.injected, [...plan.routed], plan.markFiles]);
  assert.deepEqual(p.flags.slice(0, 2), plan.flags.slice(0, 2), 'the -gcflags marks, in order');
  const overlay = /^-overlay=(.*)$/.exec(p.flags[2] ?? '')?.[1];
  assert.ok(overlay !== undefined && overlay !== '/tmp/gone/overlay.json', `a new overlay file: ${p.flags.join(' ')}`);
  const replace = (JSON.parse(readFileSync(overlay, 'utf8')) as { Replace: Record<string, string> }).Replace;
  const target = Object.keys(plan.markFiles)[0]!;
  assert.equal(readFileSync(replace[target]!, 'utf8'), 'package a\n', 'the mark file is written again');
  assert.ok(p.routeFile !== null && p.routeFile !== plan.routeFile);
  assert.equal(readFileSync(p.routeFile, 'utf8'), '\nm/c\n');
  // The snapshot keeps the local files, stamped again (GOROOT is immutable: not kept).
  assert.deepEqual(p.snapshot.packages(), [['m/b', [join(root, 'b', 'b.go')]]]);
  assert.equal(p.snapshot.stampOf(join(root, 'b', 'b.go'))?.racy, false, 'a real stamp, taken on load');
  assert.deepEqual(p.snapshot.changedPackages(), []);
  assert.deepEqual(revalidatePlan(loaded.record), { kind: 'same' });
  for (const d of disposers) d();
  rmSync(base, { recursive: true, force: true });
});

test('a stored plan used from a checkout restored elsewhere, times reset, names that checkout; a change there is found by content', () => {
  const { base, root, body } = setUp();
  const moved = join(base, 'elsewhere', 'x', 'm');
  cpSync(root, moved, { recursive: true });
  rmSync(root, { recursive: true, force: true });
  // A cache restore resets times (here: all the same, a minute back and then now).
  const now = new Date();
  for (const f of ['go.mod', 'a/a.go', 'b/b.go', 'c/c.go']) utimesSync(join(moved, f), now, now);
  const loaded = decodePlan(body, moved, []);
  assert.ok(typeof loaded !== 'string', String(loaded));
  assert.doesNotMatch(JSON.stringify([...loaded.plan.packages.values(), ...loaded.plan.verdicts.values(), loaded.plan.markFiles]), new RegExp(root.replaceAll('/', '\\/')), 'no path of the old checkout is left');
  assert.equal(loaded.plan.packages.get('m/a')?.Dir, join(moved, 'a'));
  assert.match(loaded.plan.verdicts.get('m/a')!.result!.files[0]!.text, new RegExp(`^//line ${join(moved, 'a', 'a.go')}:1:1\n`));
  assert.deepEqual(Object.keys(loaded.plan.markFiles), [join(moved, 'a', 'weft_mark_0123456789abcdef.go')]);
  assert.deepEqual(revalidatePlan(loaded.record), { kind: 'same' }, 'times mean nothing across machines: the contents hold');

  // Same size, other bytes: only a content comparison sees it.
  writeFileSync(join(moved, 'b', 'b.go'), 'package b\n\nfunc B() int { return 2 }\n');
  const edited = decodePlan(body, moved, []);
  assert.ok(typeof edited !== 'string');
  assert.deepEqual(revalidatePlan(edited.record), { kind: 'rescreen', packages: ['m/b'], files: [join(moved, 'b', 'b.go')] });
  assert.deepEqual(edited.plan.snapshot.changedPackages(), ['m/b'], 'the after-build check sees it too');

  writeFileSync(join(moved, 'go.mod'), 'module m\n\ngo 1.24\n');
  const modChanged = decodePlan(body, moved, []);
  assert.ok(typeof modChanged !== 'string');
  assert.equal(revalidatePlan(modChanged.record).kind, 'replan');
  writeFileSync(join(moved, 'go.mod'), 'module m\n\ngo 1.23\n');
  writeFileSync(join(moved, 'b', 'b2.go'), 'package b\n');
  const added = decodePlan(body, moved, []);
  assert.ok(typeof added !== 'string');
  assert.deepEqual(revalidatePlan(added.record), { kind: 'replan', why: `files were added to or removed from ${join(moved, 'b')}` });
  rmSync(base, { recursive: true, force: true });
});

test('Deps are kept by position where they name a listed package, as paths elsewhere, and come back as paths', () => {
  const base = mkdtempSync(join(tmpdir(), 'weft-planstore-'));
  const root = join(base, 'checkout', 'm');
  const { plan, env } = makePlan(root);
  const c = plan.packages.get('m/c')!;
  // A closure that names a package the listing lacks (as a listing cut short may).
  const packages = new Map(plan.packages).set('m/c', { ...c, Deps: ['fmt', 'm/a', 'unlisted/x'] });
  const withDeps: BuildPlan = { ...plan, packages };
  const record = recordPlan(withDeps, env, env['GOMODCACHE']!);
  assert.ok(record !== null);
  const body = encodePlan(withDeps, record, root);
  const stored = JSON.parse(body.toString('utf8')) as { plan: { packages: { ImportPath: string; Deps?: unknown[] }[] } };
  const order = stored.plan.packages.map((p) => p.ImportPath);
  assert.deepEqual(stored.plan.packages.find((p) => p.ImportPath === 'm/c')?.Deps, [order.indexOf('fmt'), order.indexOf('m/a'), 'unlisted/x']);
  const loaded = decodePlan(body, root, []);
  assert.ok(typeof loaded !== 'string', String(loaded));
  assert.deepEqual([...loaded.plan.packages], [...packages]);
  // A position that names nothing: not a plan weft trusts.
  stored.plan.packages.find((p) => p.ImportPath === 'm/c')!.Deps = [99];
  assert.match(decodePlan(Buffer.from(JSON.stringify(stored)), root, []) as string, /names no listed package/);
  rmSync(base, { recursive: true, force: true });
});

test('the store key follows the build, not the checkout path', () => {
  const ctx = { suffix: 'weft@1;abc', goVersion: 'go1.26.8', modCache: '/home/u/go/pkg/mod' };
  const at = (root: string, args: string[] = ['build', '-o', `${root}/bin/`, './...']) =>
    storedPlanKey(ctx, { go: '/usr/bin/go', dir: join(root, 'cmd'), env: { GOFLAGS: `-modfile=${root}/go.alt.mod`, WEFT_CACHE: '/c' }, command: readGoCommand(args, `-modfile=${root}/go.alt.mod`) }, root, '{"GOOS":"linux"}');
  assert.equal(at('/ci/build/1/m'), at('/ci/build/2/m'));
  assert.notEqual(at('/ci/build/1/m'), at('/ci/build/1/m', ['build', '-race', './...']));
  assert.notEqual(at('/ci/build/1/m'), storedPlanKey({ ...ctx, goVersion: 'go1.26.7' }, { go: '/usr/bin/go', dir: '/ci/build/1/m/cmd', env: {}, command: readGoCommand(['build', './...'], '') }, '/ci/build/1/m', ''));
  assert.notEqual(at('/ci/build/1/m'), storedPlanKey(ctx, { go: '/usr/bin/go', dir: '/ci/build/1/m/cmd', env: { GOFLAGS: '-modfile=/ci/build/1/m/go.alt.mod', WEFT_CACHE: '/c' }, command: readGoCommand(['build', '-o', '/ci/build/1/m/bin/', './...'], '-modfile=/ci/build/1/m/go.alt.mod') }, '/ci/build/1/m', '{"GOOS":"darwin"}'));
  assert.equal(storedPlanKey(ctx, { go: 'go', dir: '/m', env: {}, command: readGoCommand(['build', '-overlay=o.json', '.'], '') }, '/m', ''), null, 'a user overlay is not recorded');
});

test('an entry cut short or altered is never used: the store says corrupt, or the plan does not decode', () => {
  const { base, root, body } = setUp();
  const store = new LocalStore(join(base, 'weave'));
  const key = 'plan-' + 'ab'.repeat(32);
  store.write(key, body);
  assert.equal(store.read(key).kind, 'hit');
  const file = store.pathOf(key);
  truncateSync(file, Math.floor(readFileSync(file).length / 2));
  const cut = store.read(key);
  assert.equal(cut.kind, 'corrupt');
  assert.match((cut as { reason: string }).reason, /truncated/);
  assert.equal(store.read(key).kind, 'miss', 'the corrupt entry is removed');
  store.write(key, body);
  const bytes = readFileSync(file);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1;
  writeFileSync(file, bytes);
  assert.equal(store.read(key).kind, 'corrupt');
  // Whole, but not a plan this weft can read (another format, or not JSON).
  assert.match(decodePlan(Buffer.from(JSON.stringify({ format: 0 })), root, []) as string, /format/);
  assert.match(decodePlan(body.subarray(0, body.length - 1), root, []) as string, /not a plan/);
  rmSync(base, { recursive: true, force: true });
});

test('several processes storing plans under one key at once leave an entry a reader can always use', async () => {
  const { base, root, body } = setUp();
  const dir = join(base, 'weave');
  const key = 'plan-' + 'cd'.repeat(32);
  const bodyFile = join(base, 'body');
  writeFileSync(bodyFile, body);
  const storeJs = fileURLToPath(new URL('../../../src/cache/store.js', import.meta.url));
  const writer = `import { LocalStore } from ${JSON.stringify(storeJs)}; import { readFileSync } from 'node:fs';
    const s = new LocalStore(${JSON.stringify(dir)}); const b = readFileSync(${JSON.stringify(bodyFile)});
    for (let i = 0; i < 150; i++) s.write(${JSON.stringify(key)}, Buffer.concat([b, Buffer.from(' '.repeat(i % 7))]));`;
  const writers = [1, 2, 3].map(() => new Promise<number | null>((resolve) => spawn(process.execPath, ['--input-type=module', '-e', writer], { stdio: 'inherit' }).once('close', resolve)));
  let reads = 0;
  let done = false;
  void Promise.all(writers).then(() => (done = true));
  const store = new LocalStore(dir);
  while (!done) {
    const r = store.read(key);
    assert.notEqual(r.kind, 'corrupt', JSON.stringify(r));
    if (r.kind === 'hit') {
      assert.ok(typeof decodePlan(r.body, root, []) !== 'string');
      reads++;
    }
    await new Promise((res) => setImmediate(res));
  }
  assert.deepEqual(await Promise.all(writers), [0, 0, 0]);
  assert.ok(reads > 0, 'the reader saw entries while the writers wrote');
  const last = store.read(key);
  assert.equal(last.kind, 'hit');
  assert.ok(typeof decodePlan((last as { body: Buffer }).body, root, []) !== 'string');
  assert.deepEqual(readdirSync(join(dir, 'v1', key.slice(0, 2))), [key], 'no temporary file left behind');
  rmSync(base, { recursive: true, force: true });
});
