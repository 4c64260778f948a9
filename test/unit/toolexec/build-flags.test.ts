import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractBuildFlags, withBuildFlag } from '../../../src/toolexec/build-flags.js';
import { readGoCommand } from '../../../src/toolexec/go-command-line.js';
import { findGoProcess, type ProcessTable } from '../../../src/toolexec/go-process.js';
import { findMainModules } from '../../../src/toolexec/main-modules.js';
import { findDefaultProfiles } from '../../../src/toolexec/pgo-profiles.js';
import { makeTempDir } from './go-helpers.js';

/** The build flags of a go command whose GOFLAGS are the environment's. */
function extract(args: string[], env: Record<string, string>, dir: string, mainModules?: string[]): ReturnType<typeof extractBuildFlags> {
  return extractBuildFlags(readGoCommand(args, env['GOFLAGS']), env, dir, mainModules);
}

test('keeps only the flags that change what is built; command line overrides GOFLAGS', () => {
  const f = extract(
    ['build', '-o', 'out/app', '-v', '-x', '-race', '-tags', 'netgo', '-gcflags=all=-N -l', '-trimpath', '-toolexec', '/x', './cmd/...'],
    { GOFLAGS: '-mod=vendor -tags=ignored -p=4', GOOS: 'linux', GOARCH: 'arm64', HOME: '/root', CGO_ENABLED: '0' },
    '/src/app',
  );
  assert.deepEqual(f.flags, ['-gcflags=all=-N -l', '-mod=vendor', '-race', '-tags=netgo', '-trimpath']);
  assert.deepEqual(f.env, { GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOFLAGS: '-mod=vendor -tags=ignored -p=4' });
  assert.equal(f.dir, '/src/app');
  const g = extract(['test', '-race', './...'], { GOARCH: 'amd64' }, '/src/app');
  assert.notEqual(f.key, g.key);
  assert.equal(g.key, extract(['test', './...', '-race'], { GOARCH: 'amd64', GOPATH: '/x' }, '/src/app').key);
});

test('-cover without -coverpkg derives it: test patterns for go test, main modules for go build', () => {
  assert.deepEqual(extract(['test', '-cover', './...', './x'], {}, '/m').flags, ['-cover', '-coverpkg=./...,./x']);
  assert.deepEqual(extract(['build', '-covermode=atomic'], {}, '/m', ['example.com/app', 'example.com/lib']).flags, [
    '-cover', '-covermode=atomic', '-coverpkg=example.com/app/...,example.com/lib/...',
  ]);
  assert.deepEqual(extract(['test', '-coverpkg=./...', '.'], {}, '/m').flags, ['-cover', '-coverpkg=./...']);
  assert.deepEqual(extract(['build', '-cover=false', '-race=true'], {}, '/m').flags, ['-race']);
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
    assert.equal(found.env?.GOFLAGS, '-tags=dropin');
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

test('every -gcflags/-ldflags/-asmflags occurrence is kept in order, GOFLAGS first; scalar flags are last-wins', () => {
  const f = extract(
    ['build', '-gcflags=all=-N -l', '-tags=b', '-ldflags=-X main.v=1', '-gcflags=example.com/app=-m', '-race=false', './cmd'],
    { GOFLAGS: "-gcflags=-l '-ldflags=-s -w' -tags=a -race" },
    '/m',
  );
  // Values without a pattern apply to the command line's packages, which injected packages never are.
  assert.deepEqual(f.flags, ['-gcflags=all=-N -l', '-gcflags=example.com/app=-m', '-tags=b']);
  // An empty -gcflags resets go's flags for the named packages only: not for the inner build's.
  assert.deepEqual(extract(['build', '-gcflags=all=-N', '-gcflags=', '.'], {}, '/m').flags, ['-gcflags=all=-N']);
});

test('program arguments of go run and test-binary arguments after -args are not build flags', () => {
  assert.deepEqual(extract(['run', '-tags=x', '.', '-race', '-tags=y'], {}, '/m').flags, ['-tags=x']);
  assert.deepEqual(extract(['test', '.', '-race', '-args', '-trimpath'], {}, '/m').flags, ['-race']);
});

test('finds the go process through the platform table: parents walked, go1.x.y accepted, no environment on macOS-like tables', () => {
  const procs: Record<number, { ppid: number; argv: string[] }> = {
    40: { ppid: 30, argv: ['/cache/weft-shim', '/go/pkg/tool/compile'] },
    30: { ppid: 20, argv: ['time', '/cache/weft-shim'] },
    20: { ppid: 1, argv: ['/home/u/sdk/go1.22.4/bin/go1.22.4', 'test', '-race', './...'] },
  };
  const table: ProcessTable = {
    stat: (pid) => (procs[pid] ? { ppid: procs[pid].ppid, startTime: `t${pid}` } : null),
    argv: (pid) => procs[pid]?.argv ?? null,
    environ: () => null,
    cwd: (pid) => (pid === 20 ? '/home/u/app' : null),
    exe: (pid) => (pid === 20 ? '/home/u/sdk/go1.22.4/bin/go1.22.4' : null),
  };
  assert.deepEqual(findGoProcess(40, 4, table), { pid: 20, args: ['test', '-race', './...'], env: null, cwd: '/home/u/app', exe: '/home/u/sdk/go1.22.4/bin/go1.22.4' });
  assert.equal(findGoProcess(40, 1, table), null, 'too deep');
  procs[20]!.argv[0] = '/usr/bin/gofmt';
  assert.equal(findGoProcess(40, 4, table), null, 'gofmt is not go');
});

test('withBuildFlag replaces or adds a flag and changes the key', () => {
  const f = extract(['build', '-race', '-pgo=auto', '.'], {}, '/m');
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

test('parseProcStat counts fields from the last parenthesis; the macOS table reads ps and lsof output', async () => {
  const { parseProcStat, darwinProcessTable } = await import('../../../src/toolexec/go-process.js');
  assert.deepEqual(parseProcStat('4242 (go (b) x) S 17 4242 17 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 0 0'), { comm: 'go (b) x', ppid: 17, startTime: '987654' });
  assert.equal(parseProcStat('4242 (go S 17'), null);
  const calls: string[] = [];
  const table = darwinProcessTable((file, args) => {
    calls.push([file, ...args].join(' '));
    if (file === 'lsof') return 'p812\nfcwd\nn/Users/me/my app\n';
    if (args.includes('ppid=')) return '  77 Thu Dec  3 06:53:37 2026\n';
    if (args.includes('command=')) return '/usr/local/go/bin/go build -race ./...\n';
    if (args.includes('comm=')) return '/usr/local/go/bin/go\n';
    return null;
  });
  assert.deepEqual(table.stat(812), { ppid: 77, startTime: 'Thu Dec  3 06:53:37 2026' });
  assert.deepEqual(table.argv(812), ['/usr/local/go/bin/go', 'build', '-race', './...']);
  assert.equal(table.cwd(812), '/Users/me/my app');
  assert.equal(table.exe(812), '/usr/local/go/bin/go');
  assert.equal(table.environ(812), null);
  assert.ok(calls.every((c) => c.includes('-p 812')), calls.join('\n'));
  assert.equal(darwinProcessTable(() => null).stat(1), null);
});
