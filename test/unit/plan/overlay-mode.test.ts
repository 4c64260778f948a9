// The overlay-mode decision on made-up plans: which plans go -overlay can carry, which it
// cannot and the reason given, and the files it would hand go (woven files, link files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListedPackage } from '../../../src/resolve/go-list.js';
import { decideOverlay, whyNotImportable, type OverlayFacts } from '../../../src/plan/overlay-mode.js';
import type { MarkReason, Verdict } from '../../../src/plan/plan.js';
import { emptyWeaveStats, type WeavePackageResult } from '../../../src/weave/api.js';

const MOD = { Path: 'm', Main: true, Dir: '/src/m', GoVersion: '1.22' };
const CACHE = '/home/u/go/pkg/mod';
const facts: OverlayFacts = { subcommand: 'build', flags: [], modCache: CACHE };

function pkg(path: string, extra: Partial<ListedPackage> = {}): ListedPackage {
  const std = !path.includes('.') && !path.startsWith('m');
  return {
    ImportPath: path,
    Name: path.split('/').pop()!,
    Dir: std ? `/goroot/src/${path}` : `/src/${path}`,
    GoFiles: ['a.go'],
    ...(std ? { Standard: true } : { Module: MOD }),
    ...extra,
  };
}

function woven(files: string[], extra: Partial<WeavePackageResult> = {}): Verdict {
  const result: WeavePackageResult = { files: files.map((f) => ({ original: f, text: `//line ${f}:1:1\nwoven\n` })), extraFiles: [], addedImports: [], linkDeps: [], lang: '', aspects: ['a'], stats: emptyWeaveStats(), ...extra };
  return { reason: 'woven', linkDeps: result.addedImports.length > 0 || result.linkDeps.length > 0, result };
}

function plan(packages: ListedPackage[], decisions: [string, Verdict][], userOverlay: Record<string, string> = {}) {
  return { packages: new Map(packages.map((p) => [p.ImportPath, p])), verdicts: new Map(decisions), userOverlay, mark: '0123456789abcdef' };
}

const app = pkg('m/cmd/app', { Name: 'main', Deps: ['fmt', 'm/a'], Imports: ['fmt', 'm/a'] });
const a = pkg('m/a', { DepOnly: true, Deps: ['fmt'] });
const fmt = pkg('fmt', { DepOnly: true });

test('nothing woven: an empty overlay (go runs as plain go)', () => {
  const v = decideOverlay(plan([app, a, fmt], []), facts);
  assert.deepEqual(v, { ok: true, files: new Map(), woven: 0, linkFiles: 0 });
});

test('a woven main-module package: its file is overlaid, nothing else', () => {
  const v = decideOverlay(plan([app, a, fmt], [['m/a', woven(['/src/m/a/a.go'])]]), facts);
  assert.ok(v.ok);
  assert.deepEqual([...v.files.keys()], ['/src/m/a/a.go']);
  assert.equal(v.linkFiles, 0);
});

test('a package decided at compile time, a woven package in the module cache, a woven test main: planned, saying which and why', () => {
  for (const reason of ['types', 'cgo', 'undecided', 'error'] as MarkReason[]) {
    const v = decideOverlay(plan([app, a, fmt], [['m/a', { reason, linkDeps: true }]]), facts);
    assert.ok(!v.ok);
    assert.match(v.reason, /^m\/a is decided at compile time: /);
  }
  const dep = pkg('example.com/dep', { Dir: `${CACHE}/example.com/dep@v1.0.0`, Module: { Path: 'example.com/dep', Version: 'v1.0.0' }, DepOnly: true });
  const v = decideOverlay(plan([app, dep], [['example.com/dep', woven([`${CACHE}/example.com/dep@v1.0.0/a.go`])]]), facts);
  assert.ok(!v.ok);
  assert.match(v.reason, /example\.com\/dep is woven and lives in the module cache/);
  // A local replace directory of the same module is fine.
  const local = { ...dep, Dir: '/src/dep', Module: { Path: 'example.com/dep', Version: 'v1.0.0', Replace: { Path: '../dep', Dir: '/src/dep' } } };
  assert.ok(decideOverlay(plan([app, local], [['example.com/dep', woven(['/src/dep/a.go'])]]), facts).ok);
  const testMain = pkg('m/a.test', { Name: 'main', Imports: ['m/a [m/a.test]', 'testing'], Dir: '/tmp/b001', GoFiles: ['_testmain.go'] });
  const t = decideOverlay(plan([testMain], [['m/a.test', woven(['/tmp/b001/_testmain.go'])]]), { ...facts, subcommand: 'test' });
  assert.ok(!t.ok);
  assert.match(t.reason, /the test main m\/a\.test is woven/);
});

test('link-time packages: a blank-import file in each main package that needs one, in an external test file for a test binary', () => {
  const hook = pkg('example.com/rt/hook', { Dir: '/src/rt/hook', Module: { Path: 'example.com/rt', Dir: '/src/rt' }, DepOnly: true, Deps: ['fmt'] });
  const http = pkg('net/http', { DepOnly: true });
  const main = { ...app, Deps: ['fmt', 'm/a', 'net/http'] };
  const other = pkg('m/cmd/other', { Name: 'main', Deps: ['fmt'] });
  const v = decideOverlay(plan([main, other, a, fmt, http, hook], [['net/http', woven(['/goroot/src/net/http/a.go'], { linkDeps: ['example.com/rt/hook'] })]]), facts);
  assert.ok(v.ok, JSON.stringify(v));
  assert.equal(v.linkFiles, 1, 'only the main package that links net/http');
  assert.match(v.files.get('/src/m/cmd/app/weft_links_0123456789abcdef.go')!, /^package main\n\nimport \(\n\t_ "example.com\/rt\/hook"\n\)\n$/m);

  // go test of m/a, whose test binary links net/http: the xtest of m/a gets the blank import.
  const aT = pkg('m/a [m/a.test]', { Dir: '/src/m/a', ForTest: 'm/a', Name: 'a', Deps: ['fmt', 'net/http'] });
  const tm = pkg('m/a.test', { Name: 'main', Dir: '/tmp/b001', GoFiles: ['_testmain.go'], Imports: ['m/a [m/a.test]', 'testing'], Deps: ['fmt', 'm/a [m/a.test]', 'net/http', 'testing'] });
  const t = decideOverlay(plan([{ ...a, Name: 'a', DepOnly: false }, aT, tm, fmt, http, hook], [['net/http', woven(['/goroot/src/net/http/a.go'], { linkDeps: ['example.com/rt/hook'] })]]), { ...facts, subcommand: 'test' });
  assert.ok(t.ok, JSON.stringify(t));
  assert.match(t.files.get('/src/m/a/weft_links_0123456789abcdef_test.go')!, /^package a_test$/m);

  // An internal link package of another module cannot be imported from the main package.
  const internal = pkg('example.com/rt/internal/hook', { Dir: '/src/rt/internal/hook', Module: { Path: 'example.com/rt', Dir: '/src/rt' }, DepOnly: true });
  const n = decideOverlay(plan([main, a, fmt, http, internal], [['net/http', woven(['/goroot/src/net/http/a.go'], { linkDeps: ['example.com/rt/internal/hook'] })]]), facts);
  assert.ok(!n.ok);
  assert.match(n.reason, /the link-time package example\.com\/rt\/internal\/hook must be imported by m\/cmd\/app, but example\.com\/rt\/internal\/hook is internal to example\.com\/rt/);

  // go vet links nothing: no link file; a vetted woven package is checked as the user wrote it.
  const vet = decideOverlay(plan([main, a, fmt, http, internal], [['net/http', woven(['/goroot/src/net/http/a.go'], { linkDeps: ['example.com/rt/internal/hook'] })]]), { ...facts, subcommand: 'vet' });
  assert.ok(vet.ok);
  assert.equal(vet.linkFiles, 0);
  const vetA = decideOverlay(plan([main, { ...a, DepOnly: false }, fmt], [['m/a', woven(['/src/m/a/a.go'])]]), { ...facts, subcommand: 'vet' });
  assert.ok(!vetA.ok);
  assert.match(vetA.reason, /go vet would check the woven source of m\/a/);

  // Files named on the command line: no directory of the package's own to add a file to.
  const cla = { ...main, ImportPath: 'command-line-arguments' };
  const c = decideOverlay(plan([cla, a, fmt, http, hook], [['net/http', woven(['/goroot/src/net/http/a.go'], { linkDeps: ['example.com/rt/hook'] })]]), facts);
  assert.ok(!c.ok);
  assert.match(c.reason, /built from files named on the command line/);
});

test('imports woven code adds: in the graph, importable, no cycle; std imports std only', () => {
  const rt = pkg('example.com/rt', { Dir: '/src/rt', Module: { Path: 'example.com/rt', Dir: '/src/rt' }, DepOnly: true, Deps: ['fmt'] });
  assert.ok(decideOverlay(plan([app, a, fmt, rt], [['m/a', woven(['/src/m/a/a.go'], { addedImports: ['example.com/rt'], linkDeps: ['example.com/rt'] })]]), facts).ok);
  const missing = decideOverlay(plan([app, a, fmt], [['m/a', woven(['/src/m/a/a.go'], { addedImports: ['example.com/rt'] })]]), facts);
  assert.ok(!missing.ok);
  assert.match(missing.reason, /imports example\.com\/rt, which is not in the build's package graph/);
  const fromStd = decideOverlay(plan([app, a, fmt, rt], [['fmt', woven(['/goroot/src/fmt/a.go'], { addedImports: ['example.com/rt'] })]]), facts);
  assert.ok(!fromStd.ok);
  assert.match(fromStd.reason, /a standard-library package cannot import the module package example\.com\/rt/);
  const cycle = decideOverlay(plan([app, a, fmt], [['fmt', woven(['/goroot/src/fmt/a.go'], { addedImports: ['fmt'] })]]), facts);
  assert.ok(!cycle.ok);
  assert.match(cycle.reason, /an import cycle/);
});

test('a file must be woven alike in every variant that compiles it; -lang, cover and extra files fall back', () => {
  const aT = pkg('m/a [m/a.test]', { Dir: '/src/m/a', ForTest: 'm/a', Name: 'a', GoFiles: ['a.go', 'a_test.go'] });
  const only = decideOverlay(plan([app, a, aT, fmt], [['m/a [m/a.test]', woven(['/src/m/a/a.go'])]]), { ...facts, subcommand: 'test' });
  assert.ok(!only.ok);
  assert.match(only.reason, /\/src\/m\/a\/a\.go is woven in one variant of m\/a but not in m\/a$/);
  const alike = decideOverlay(plan([app, a, aT, fmt], [['m/a', woven(['/src/m/a/a.go'])], ['m/a [m/a.test]', woven(['/src/m/a/a.go', '/src/m/a/a_test.go'])]]), { ...facts, subcommand: 'test' });
  assert.ok(alike.ok);
  assert.equal(alike.files.size, 2);
  const unlike = woven(['/src/m/a/a.go']);
  unlike.result!.files[0]!.text += 'more\n';
  const differ = decideOverlay(plan([app, a, aT, fmt], [['m/a', woven(['/src/m/a/a.go'])], ['m/a [m/a.test]', unlike]]), { ...facts, subcommand: 'test' });
  assert.ok(!differ.ok);
  assert.match(differ.reason, /woven differently in two variants of m\/a/);

  const lang = decideOverlay(plan([app, a, fmt], [['m/a', woven(['/src/m/a/a.go'], { lang: 'go1.23' })]]), facts);
  assert.ok(!lang.ok && /needs -lang=go1\.23/.test(lang.reason));
  const cover = decideOverlay(plan([app, a, fmt], [['m/a', woven(['/src/m/a/a.go'])]]), { ...facts, flags: [{ name: 'cover', value: true }] });
  assert.ok(!cover.ok && /go's cover tool reads the files of m\/a from disk/.test(cover.reason));
  const coverStd = decideOverlay(plan([app, a, fmt], [['fmt', woven(['/goroot/src/fmt/a.go'])]]), { ...facts, flags: [{ name: 'cover', value: true }] });
  assert.ok(coverStd.ok, 'std is not covered without -coverpkg');
  const extra = decideOverlay(plan([app, a, fmt], [['m/a', woven([], { extraFiles: [{ name: 'x.go', text: 'package a' }] })]]), facts);
  assert.ok(!extra.ok && /adds files of its own/.test(extra.reason));
});

test("a file the user's overlay replaces: woven from the replacement, overlaid under its own path, //line naming it", () => {
  const v = decideOverlay(plan([app, a, fmt], [['m/a', woven(['/tmp/user/a.go'])]], { '/src/m/a/a.go': '/tmp/user/a.go' }), facts);
  assert.ok(v.ok);
  assert.equal(v.files.get('/src/m/a/a.go'), '//line /src/m/a/a.go:1:1\nwoven\n');
});

test("go's internal rule", () => {
  const std = (p: string) => pkg(p, { Standard: true });
  assert.equal(whyNotImportable('m/a', false, pkg('m/internal/x')), null);
  assert.equal(whyNotImportable('m', false, pkg('m/internal')), null);
  assert.match(whyNotImportable('n/a', false, pkg('m/internal/x', { Module: MOD }))!, /internal to m$/);
  assert.match(whyNotImportable('m/a', false, pkg('m/b/internal/x'))!, /internal to m\/b$/);
  assert.equal(whyNotImportable('net/http', true, std('internal/race')), null);
  assert.match(whyNotImportable('m/a', false, std('internal/race'))!, /internal to the standard library/);
  assert.match(whyNotImportable('m/a', false, pkg('m/cmd/app', { Name: 'main' }))!, /is a main package/);
});
