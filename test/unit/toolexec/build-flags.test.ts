import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseGoCommand, splitGoflags, joinGoflags, extractBuildFlags, findGoProcess, findMainModules, withBuildFlag, findDefaultProfiles,
} from '../../../src/toolexec/build-flags.js';
import { makeTempDir } from './go-helpers.js';

test('parses go test command lines with flags before and after packages, stopping at -args', () => {
  const c = parseGoCommand(['test', '-race', '-run', 'TestX', './...', '-count=1', '-tags', 'a,b', '-args', '-tags=zzz']);
  assert.equal(c.subcommand, 'test');
  assert.deepEqual(c.packages, ['./...']);
  assert.equal(c.flags.get('race'), true);
  assert.equal(c.flags.get('run'), 'TestX');
  assert.equal(c.flags.get('tags'), 'a,b');
});

test('GOFLAGS quoting round-trips values with spaces', () => {
  assert.deepEqual(splitGoflags(` -tags=a,b  '-toolexec=/my tools/weft toolexec' "-ldflags=-X 'm.v=1'" `), [
    '-tags=a,b', '-toolexec=/my tools/weft toolexec', "-ldflags=-X 'm.v=1'",
  ]);
  const fields = ['-trimpath', '-toolexec=/a b/shim', "-gcflags=-m 'x'"];
  assert.deepEqual(splitGoflags(joinGoflags(fields)), fields);
  assert.throws(() => splitGoflags("-a '-x=unterminated"), /unterminated/);
});

test('keeps only the flags that change what is built; command line overrides GOFLAGS', () => {
  const f = extractBuildFlags(
    ['build', '-o', 'out/app', '-v', '-x', '-race', '-tags', 'netgo', '-gcflags=all=-N -l', '-trimpath', '-toolexec', '/x', './cmd/...'],
    { GOFLAGS: '-mod=vendor -tags=ignored -p=4', GOOS: 'linux', GOARCH: 'arm64', HOME: '/root', CGO_ENABLED: '0' },
    '/src/app',
  );
  assert.deepEqual(f.flags, ['-gcflags=all=-N -l', '-mod=vendor', '-race', '-tags=netgo', '-trimpath']);
  assert.deepEqual(f.env, { GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOFLAGS: '-mod=vendor -tags=ignored -p=4' });
  assert.equal(f.dir, '/src/app');
  const g = extractBuildFlags(['build', '-race', './...'], { GOARCH: 'amd64' }, '/src/app');
  assert.notEqual(f.key, g.key);
  assert.equal(g.key, extractBuildFlags(['build', './...', '-race'], { GOARCH: 'amd64', GOPATH: '/x' }, '/src/app').key);
});

test('-cover without -coverpkg derives it: test patterns for go test, main modules for go build', () => {
  assert.deepEqual(extractBuildFlags(['test', '-cover', './...', './x'], {}, '/m').flags, ['-cover', '-coverpkg=./...,./x']);
  assert.deepEqual(extractBuildFlags(['build', '-covermode=atomic'], {}, '/m', ['example.com/app', 'example.com/lib']).flags, [
    '-cover', '-covermode=atomic', '-coverpkg=example.com/app/...,example.com/lib/...',
  ]);
  assert.deepEqual(extractBuildFlags(['test', '-coverpkg=./...', '.'], {}, '/m').flags, ['-cover', '-coverpkg=./...']);
  assert.deepEqual(extractBuildFlags(['build', '-cover=false', '-race=true'], {}, '/m').flags, ['-race']);
});

test('-C changes the directory the inner go runs in', () => {
  assert.equal(extractBuildFlags(['-C', 'sub', 'build', '.'], {}, '/m').dir, '/m/sub');
  assert.equal(extractBuildFlags(['-C=/abs', 'test', '-cover', '.'], {}, '/m').dir, '/abs');
  assert.equal(parseGoCommand(['-C', 'sub', 'test', './x']).subcommand, 'test');
});

test('finds the go process above the shim through /proc, with its args and env', async () => {
  const sh = spawn('/bin/sh', ['-c', 'sleep 30 & echo $!; wait'], {
    argv0: '/usr/local/go/bin/go',
    env: { PATH: process.env.PATH ?? '', GOFLAGS: '-tags=dropin' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const childPid = await new Promise<number>((res) => sh.stdout!.once('data', (d: Buffer) => res(Number(d.toString().trim()))));
    // Until the forked shell has exec'd sleep, the child still carries the parent's argv0.
    for (let i = 0; i < 200 && !readFileSync(`/proc/${childPid}/cmdline`, 'latin1').startsWith('sleep'); i++) await new Promise((r) => setTimeout(r, 5));
    const found = findGoProcess(childPid);
    assert.ok(found !== null);
    assert.equal(found.pid, sh.pid);
    assert.deepEqual(found.args, ['-c', 'sleep 30 & echo $!; wait']);
    assert.equal(found.env.GOFLAGS, '-tags=dropin');
    assert.equal(found.cwd, process.cwd());
    assert.equal(findGoProcess(process.pid, 2), null);
  } finally {
    sh.kill();
  }
});

test('finds main modules from go.mod and go.work', () => {
  const { dir, cleanup } = makeTempDir('mods');
  try {
    mkdirSync(join(dir, 'app', 'cmd'), { recursive: true });
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'app', 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
    writeFileSync(join(dir, 'lib', 'go.mod'), '// lib\nmodule "example.com/lib"\n');
    assert.deepEqual(findMainModules(join(dir, 'app', 'cmd')), ['example.com/app']);
    writeFileSync(join(dir, 'go.work'), 'go 1.22\n\nuse (\n\t./app // the app\n\t./lib\n)\n');
    assert.deepEqual(findMainModules(join(dir, 'app', 'cmd')), ['example.com/app', 'example.com/lib']);
    assert.deepEqual(findMainModules(join(dir, 'app', 'cmd'), 'off'), ['example.com/app']);
  } finally {
    cleanup();
  }
});

test('withBuildFlag replaces or adds a flag and changes the key', () => {
  const f = extractBuildFlags(['build', '-race', '-pgo=auto', '.'], {}, '/m');
  const g = withBuildFlag(f, 'pgo', '/m/cmd/app/default.pgo');
  assert.deepEqual(g.flags, ['-pgo=/m/cmd/app/default.pgo', '-race']);
  assert.notEqual(g.key, f.key);
  assert.equal(g.key, withBuildFlag(f, 'pgo', '/m/cmd/app/default.pgo').key);
});

test('findDefaultProfiles: named directories and walked ./... patterns, skipping vendor and testdata', () => {
  const { dir, cleanup } = makeTempDir('pgo');
  try {
    for (const d of ['cmd/a', 'cmd/b', 'vendor/x', 'cmd/a/testdata']) mkdirSync(join(dir, d), { recursive: true });
    for (const d of ['cmd/a', 'vendor/x', 'cmd/a/testdata']) writeFileSync(join(dir, d, 'default.pgo'), 'x');
    assert.deepEqual(findDefaultProfiles(dir, ['./cmd/a']), [join(dir, 'cmd/a/default.pgo')]);
    assert.deepEqual(findDefaultProfiles(dir, ['./cmd/b']), []);
    assert.deepEqual(findDefaultProfiles(dir, ['./...']), [join(dir, 'cmd/a/default.pgo')]);
    assert.deepEqual(findDefaultProfiles(join(dir, 'cmd', 'a'), []), [join(dir, 'cmd/a/default.pgo')]);
  } finally {
    cleanup();
  }
});
