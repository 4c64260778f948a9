import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { depsOf, goListArgs, parseJsonStream, runGoList, packageFiles, type ListedPackage } from '../../../src/resolve/go-list.js';
import { WeftError } from '../../../src/errors.js';
import { makeTempDir } from '../toolexec/go-helpers.js';

test('splits the concatenated JSON objects go list prints, braces inside strings included', () => {
  const text = '{\n\t"ImportPath": "a",\n\t"Error": {"Err": "x { y"}\n}\n{\n\t"ImportPath": "b\\"}"\n}\n';
  assert.deepEqual(parseJsonStream(text), [{ ImportPath: 'a', Error: { Err: 'x { y' } }, { ImportPath: 'b"}' }]);
  assert.throws(() => parseJsonStream('{"a": 1'), WeftError);
});

test('reads go list\'s own layout in one pass, and a stream cut after a whole object as an error', () => {
  const go = '{\n\t"ImportPath": "a",\n\t"Imports": [\n\t\t"b"\n\t],\n\t"Module": {\n\t\t"Path": "m"\n\t}\n}\n{\n\t"ImportPath": "b"\n}\n';
  assert.deepEqual(parseJsonStream(go), [{ ImportPath: 'a', Imports: ['b'], Module: { Path: 'm' } }, { ImportPath: 'b' }]);
  assert.deepEqual(parseJsonStream(''), []);
  assert.throws(() => parseJsonStream(`${go}{\n\t"ImportPath": "c",\n`), WeftError);
});

test('builds the command line: -e -deps -json fields, -export and -toolexec only when asked, flags before --', () => {
  const a = goListArgs(['example.com/rt'], { flags: ['-race', '-tags=x'], export: true, toolexec: '/my shim/weft' });
  assert.deepEqual(a.slice(0, 3), ['list', '-e', '-deps']);
  assert.ok(a[3]!.startsWith('-json=ImportPath,'));
  assert.deepEqual(a.slice(4), ['-export', '-toolexec=/my shim/weft', '-race', '-tags=x', '--', 'example.com/rt']);
  assert.ok(!goListArgs(['x'], { flags: [], export: false, toolexec: null }).some((x) => x.startsWith('-toolexec') || x === '-export'));
});

test('runs the real go list on a module: closure, export archives, and a missing package as an Error', async () => {
  const { dir, cleanup } = makeTempDir('golist');
  try {
    mkdirSync(join(dir, 'rt'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
    writeFileSync(join(dir, 'rt', 'rt.go'), 'package rt\n\nimport "strings"\n\nfunc F() string { return strings.ToUpper("x") }\n');
    const r = await runGoList(['example.com/m/rt', 'example.com/m/nope'], { go: 'go', dir, env: { ...process.env, GOFLAGS: '', GOPROXY: 'off' }, flags: [], export: true });
    const byPath = new Map(r.packages.map((p) => [p.ImportPath, p]));
    const rt = byPath.get('example.com/m/rt')!;
    assert.ok(rt.Export !== undefined && rt.Export !== '');
    assert.ok(rt.Deps!.includes('strings'));
    assert.deepEqual(packageFiles(rt), ['rt.go']);
    assert.ok(byPath.get('strings')!.Standard);
    assert.match(byPath.get('example.com/m/nope')!.Error!.Err, /nope/);
  } finally {
    cleanup();
  }
});

test('depsOf gives, from a listing without Deps, the closures go lists as Deps: cgo\'s and the linker\'s implicit imports, test variants, -race', async () => {
  const { dir, cleanup } = makeTempDir('golist-deps');
  try {
    mkdirSync(join(dir, 'c'));
    mkdirSync(join(dir, 'cmd'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
    // A cgo package (go adds unsafe, runtime/cgo and syscall), net (std's cgo), a main (runtime), tests of both.
    writeFileSync(join(dir, 'c', 'c.go'), 'package c\n\n// int one(void) { return 1; }\nimport "C"\n\nimport "net"\n\nfunc One() int { _ = net.IPv4len; return int(C.one()) }\n');
    writeFileSync(join(dir, 'c', 'c_test.go'), 'package c\n\nimport "testing"\n\nfunc TestOne(t *testing.T) { _ = One() }\n');
    writeFileSync(join(dir, 'c', 'x_test.go'), 'package c_test\n\nimport (\n\t"testing"\n\n\t"example.com/m/c"\n)\n\nfunc TestX(t *testing.T) { _ = c.One() }\n');
    writeFileSync(join(dir, 'cmd', 'main.go'), 'package main\n\nimport "example.com/m/c"\n\nfunc main() { println(c.One()) }\n');
    const env = { ...process.env, GOFLAGS: '', GOPROXY: 'off', CGO_ENABLED: '1' };
    for (const [flags, test] of [[[], false], [[], true], [['-race'], true]] as const) {
      const o = { go: 'go', dir, env, flags, export: false, test };
      const [full, lite] = await Promise.all([runGoList(['./...'], o), runGoList(['./...'], { ...o, deps: false })]);
      assert.equal(lite.exitCode, 0, lite.stderr);
      const listing = new Map<string, ListedPackage>(lite.packages.map((p) => [p.ImportPath, p]));
      assert.ok(lite.packages.every((p) => p.Deps === undefined));
      assert.ok(listing.get('example.com/m/c')!.CgoFiles!.length > 0, 'the cgo package is listed as one');
      let compared = 0;
      for (const p of full.packages) {
        assert.deepEqual(depsOf(listing, p.ImportPath), p.Deps ?? [], `${p.ImportPath} (${flags.join(' ')}${test ? ' -test' : ''})`);
        compared++;
      }
      assert.ok(compared > 20);
      if (test) assert.ok(listing.has('example.com/m/c.test'));
    }
  } finally {
    cleanup();
  }
});

test('depsOf uses Deps where go printed them, leaves out C, and ends at an import cycle of a broken listing', () => {
  const listing = new Map<string, ListedPackage>([
    ['a', { ImportPath: 'a', Imports: ['b', 'C'] }],
    ['b', { ImportPath: 'b', Imports: ['a'] }],
    ['d', { ImportPath: 'd', Imports: ['x'], Deps: ['x', 'y'] }],
    ['e', { ImportPath: 'e', Imports: ['d'] }],
  ]);
  assert.deepEqual(depsOf(listing, 'e'), ['d', 'x', 'y']);
  assert.deepEqual(depsOf(listing, 'a'), ['a', 'b']);
});
