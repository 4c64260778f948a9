import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGoCommand } from '../../../src/toolexec/go-command-line.js';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirWatches } from '../../../src/daemon/plan-cache.js';
import { planKey, recordPlan, refreshFiles, revalidatePlan, sameVerdict, type PlanRecord } from '../../../src/plan/plan-record.js';
import { stampFiles, type BuildPlan } from '../../../src/plan/plan.js';
import type { ListedPackage } from '../../../src/resolve/go-list.js';

/** A module m with packages m/a (a.go, a_test.go) and m/b (b.go), and a dependency in a fake module cache. */
function makeModule(): { root: string; modcache: string; plan: BuildPlan; env: NodeJS.ProcessEnv } {
  const base = mkdtempSync(join(tmpdir(), 'weft-plancache-'));
  const root = join(base, 'm');
  const modcache = join(base, 'modcache');
  const dep = join(modcache, 'dep@v1.0.0');
  for (const d of [join(root, 'a'), join(root, 'b'), join(root, 'a', 'testdata'), dep]) mkdirSync(d, { recursive: true });
  writeFileSync(join(root, 'go.mod'), 'module m\n\ngo 1.23\n');
  writeFileSync(join(root, 'a', 'a.go'), 'package a\n\nimport "fmt"\n\nfunc A() { fmt.Println("a") }\n');
  writeFileSync(join(root, 'a', 'a_test.go'), 'package a\n\nimport "testing"\n\nfunc TestA(t *testing.T) {}\n');
  writeFileSync(join(root, 'b', 'b.go'), 'package b\n\nfunc B() int { return 1 }\n');
  writeFileSync(join(dep, 'dep.go'), 'package dep\n');
  const main = { Path: 'm', Dir: root, Main: true };
  const listed: ListedPackage[] = [
    { ImportPath: 'm/a', Name: 'a', Dir: join(root, 'a'), GoFiles: ['a.go'], Module: main },
    { ImportPath: 'm/b', Name: 'b', Dir: join(root, 'b'), GoFiles: ['b.go'], Module: main },
    { ImportPath: 'dep', Name: 'dep', Dir: dep, GoFiles: ['dep.go'], Module: { Path: 'dep', Dir: dep, Version: 'v1.0.0' } },
    { ImportPath: 'fmt', Name: 'fmt', Dir: '/usr/lib/go/src/fmt', GoFiles: ['print.go'], Standard: true },
  ];
  // As in an edit loop: the files were written a while before the build listed them.
  backdate(base);
  const plan = { packages: new Map(listed.map((p) => [p.ImportPath, p])), stamps: new Map(), listedAtMs: Date.now() } as unknown as BuildPlan;
  return { root, modcache, plan, env: { GOMODCACHE: modcache, HOME: base } };
}

function backdate(dir: string): void {
  const then = new Date(Date.now() - 60_000);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) backdate(join(dir, e.name));
    utimesSync(join(dir, e.name), then, then);
  }
}

function record(m: ReturnType<typeof makeModule>): PlanRecord {
  const r = recordPlan(m.plan, m.env, m.modcache);
  assert.ok(r !== null);
  return r;
}

test('an unchanged module keeps its plan; files in the module cache and testdata are not looked at', () => {
  const m = makeModule();
  const r = record(m);
  assert.deepEqual(revalidatePlan(r), { kind: 'same' });
  writeFileSync(join(m.modcache, 'dep@v1.0.0', 'dep.go'), 'package dep\n\nimport "os"\n');
  writeFileSync(join(m.root, 'a', 'testdata', 'x.go'), 'package x\n');
  assert.deepEqual(revalidatePlan(r), { kind: 'same' });
});

test('a body edit re-screens the packages of that file only; a touch without a change does nothing', () => {
  const m = makeModule();
  const r = record(m);
  const a = join(m.root, 'a', 'a.go');
  writeFileSync(a, 'package a\n\nimport "fmt"\n\nfunc A() { fmt.Println("changed") }\n');
  assert.deepEqual(revalidatePlan(r), { kind: 'rescreen', packages: ['m/a'], files: [a] });
  refreshFiles(r, [a]);
  assert.deepEqual(revalidatePlan(r), { kind: 'same' }, 'after the re-screen the record holds the new content');
  const b = join(m.root, 'b', 'b.go');
  utimesSync(b, new Date(), new Date(Date.now() + 5000));
  assert.deepEqual(revalidatePlan(r), { kind: 'same' });
});

test('a test file outside the build changes nothing to re-screen, but its imports still count', () => {
  const m = makeModule();
  const r = record(m);
  const t = join(m.root, 'a', 'a_test.go');
  writeFileSync(t, 'package a\n\nimport "testing"\n\nfunc TestA(t *testing.T) { t.Log("x") }\n');
  assert.deepEqual(revalidatePlan(r), { kind: 'rescreen', packages: [], files: [t] });
  writeFileSync(t, 'package a\n\nimport (\n\t"os"\n\t"testing"\n)\n\nfunc TestA(t *testing.T) { _ = os.Args }\n');
  assert.equal(revalidatePlan(r).kind, 'replan');
});

test('changes that can change go list\'s answer plan again', () => {
  const cases: [string, (m: ReturnType<typeof makeModule>) => void, RegExp][] = [
    ['an added import', (m) => writeFileSync(join(m.root, 'b', 'b.go'), 'package b\n\nimport "os"\n\nfunc B() int { return len(os.Args) }\n'), /imports of .*b\.go changed/],
    ['a build constraint', (m) => writeFileSync(join(m.root, 'b', 'b.go'), '//go:build ignore\n\npackage b\n\nfunc B() int { return 1 }\n'), /b\.go changed/],
    ['a header the scanner cannot read', (m) => writeFileSync(join(m.root, 'b', 'b.go'), 'package b\n\nimport "unterminated\n'), /b\.go changed/],
    ['a new file in a package', (m) => writeFileSync(join(m.root, 'b', 'c.go'), 'package b\n'), /added to or removed from .*\/b$/],
    ['a removed file', (m) => rmSync(join(m.root, 'a', 'a_test.go')), /added to or removed from .*\/a$/],
    ['a new package directory', (m) => mkdirSync(join(m.root, 'c')), /added to or removed from .*\/m$/],
    ['go.mod', (m) => writeFileSync(join(m.root, 'go.mod'), 'module m\n\ngo 1.24\n'), /go\.mod changed/],
    ['a new go.work', (m) => writeFileSync(join(m.root, 'go.work'), 'go 1.24\n\nuse .\n'), /go\.work changed/],
  ];
  for (const [what, change, why] of cases) {
    const m = makeModule();
    const r = record(m);
    change(m);
    const v = revalidatePlan(r);
    assert.equal(v.kind, 'replan', what);
    assert.match((v as { why: string }).why, why, what);
  }
});

test('verdicts compare by reason and link-time packages; absent means unmarked', () => {
  assert.ok(sameVerdict(null, undefined));
  assert.ok(sameVerdict({ reason: 'woven', linkDeps: false }, { reason: 'woven', linkDeps: false }));
  assert.ok(!sameVerdict({ reason: 'woven', linkDeps: false }, { reason: 'woven', linkDeps: true }));
  assert.ok(!sameVerdict({ reason: 'woven', linkDeps: false }, { reason: 'types', linkDeps: false }));
  assert.ok(!sameVerdict(null, { reason: 'woven', linkDeps: false }));
});

test('the plan key follows what changes the listing, not what only changes the output', () => {
  const base = { go: '/usr/bin/go', dir: '/m', command: readGoCommand(['build', './...'], ''), env: { GOOS: 'linux', PATH: '/bin', WEFT_STATS: '1' } };
  const withArgs = (args: string[], goflags = ''): typeof base => ({ ...base, command: readGoCommand(args, goflags) });
  const ctx = { suffix: 'weft@1;abc' };
  const k = planKey(ctx, base);
  assert.ok(k !== null);
  assert.equal(planKey(ctx, { ...base, env: { ...base.env, WEFT_STATS: 'json', PATH: '/usr/bin', WEFT_DAEMON_IDLE: '2s' } }), k);
  assert.notEqual(planKey(ctx, { ...base, env: { ...base.env, GOOS: 'darwin' } }), k);
  assert.notEqual(planKey(ctx, { ...base, env: { ...base.env, CGO_ENABLED: '0' } }), k);
  assert.notEqual(planKey(ctx, { ...base, env: { ...base.env, WEFT_TEST_PLAN_UNMARK: 'm/a' } }), k);
  assert.notEqual(planKey(ctx, withArgs(['build', '-race', './...'])), k);
  // GOFLAGS as go reads them (the environment's or `go env -w`'s) are part of the command.
  assert.notEqual(planKey(ctx, withArgs(['build', './...'], '-cover')), k);
  assert.equal(planKey(ctx, withArgs(['build', './...'], '-cover')), planKey(ctx, withArgs(['build', '-cover', './...'])), 'the same flags from either source');
  assert.equal(planKey(ctx, withArgs(['build', '-o', '/tmp/x', './...'])), k, 'the output file is not part of the plan');
  assert.equal(planKey(ctx, withArgs(['build', '-o=/tmp/y', './...'])), k);
  assert.equal(planKey(ctx, withArgs(['build', '-x', '-v', '-work', './...'])), k, 'what go prints or keeps is not part of the plan');
  assert.equal(planKey(ctx, { ...base, env: { ...base.env, WEFT_CACHE: '/elsewhere', WEFT_PLAN_CACHE: 'on', GOCACHE: '/gocache', GOTMPDIR: '/t' } }), k, 'nor where the caches are');
  assert.equal(planKey(ctx, { ...base, env: { ...base.env, WEFT_BENCH_RSS_FILE: '/tmp/rss-14.txt' } }), k, 'nor a benchmark\'s probe of each build');
  assert.notEqual(planKey({ suffix: 'weft@1;abd' }, base), k);
  assert.equal(planKey(ctx, withArgs(['build', '-overlay=o.json', './...'])), null, 'a user -overlay is read by the plan: never kept');
  assert.equal(planKey(ctx, withArgs(['build', './...'], '-overlay=/o.json')), null);
});

test('kept plans share one watch per directory; the watch goes with its last listener', async () => {
  const m = makeModule();
  const r = record(m);
  const watches = new DirWatches();
  const heard: string[] = [];
  const first = [...r.dirs.keys()].map((d) => watches.add(d, (n) => heard.push(`1:${n}`)));
  const second = [...r.dirs.keys()].map((d) => watches.add(d, (n) => heard.push(`2:${n}`)));
  assert.equal(watches.size, r.dirs.size, 'one watch per directory, not one per plan');
  writeFileSync(join(m.root, 'b', 'b.go'), 'package b\n\nfunc B() int { return 2 }\n');
  for (let i = 0; i < 100 && !(heard.includes('1:b.go') && heard.includes('2:b.go')); i++) await new Promise((res) => setTimeout(res, 20));
  assert.ok(heard.includes('1:b.go') && heard.includes('2:b.go'), `both plans hear the edit: ${heard.join(' ')}`);
  for (const release of first) release();
  assert.equal(watches.size, r.dirs.size, 'still watched for the second plan');
  for (const release of second) release();
  assert.equal(watches.size, 0);
});

test('a plan is not kept when a file changed while it was made: after the screening read it, or after go list listed it', () => {
  const m = makeModule();
  const a = join(m.root, 'a', 'a.go');
  // The screening stamped and read a.go; then it was saved (a new size and time).
  const screened = { ...m.plan, stamps: stampFiles([a]) } as BuildPlan;
  writeFileSync(a, 'package a\n\nimport "fmt"\n\nfunc A() { fmt.Println("saved while planning") }\n');
  assert.equal(recordPlan(screened, m.env, m.modcache), null, 'the record must not take the new content for what the plan saw');
  // A file the screening did not read (a test file), saved after go list started.
  const n = makeModule();
  writeFileSync(join(n.root, 'a', 'a_test.go'), 'package a\n\nimport ("os"; "testing")\n\nfunc TestA(t *testing.T) { _ = os.Args }\n');
  assert.equal(recordPlan({ ...n.plan, listedAtMs: Date.now() - 1000 } as BuildPlan, n.env, n.modcache), null);
  // A file added to a directory after go list started.
  const o = makeModule();
  const listedAtMs = Date.now() - 1000;
  writeFileSync(join(o.root, 'b', 'c.go'), 'package b\n');
  assert.equal(recordPlan({ ...o.plan, listedAtMs } as BuildPlan, o.env, o.modcache), null);
  // Nothing changed: kept.
  const q = makeModule();
  assert.notEqual(recordPlan({ ...q.plan, stamps: stampFiles([join(q.root, 'a', 'a.go')]) } as BuildPlan, q.env, q.modcache), null);
});
