import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goListArgs, parseJsonStream, runGoList, packageFiles } from '../../../src/resolve/go-list.js';
import { WeftError } from '../../../src/errors.js';
import { makeTempDir } from '../toolexec/go-helpers.js';

test('splits the concatenated JSON objects go list prints, braces inside strings included', () => {
  const text = '{\n\t"ImportPath": "a",\n\t"Error": {"Err": "x { y"}\n}\n{\n\t"ImportPath": "b\\"}"\n}\n';
  assert.deepEqual(parseJsonStream(text), [{ ImportPath: 'a', Error: { Err: 'x { y' } }, { ImportPath: 'b"}' }]);
  assert.throws(() => parseJsonStream('{"a": 1'), WeftError);
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
