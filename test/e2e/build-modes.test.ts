// Build modes beyond the everyday ones, end to end: `weft go build` (real CLI, shim, server,
// weaver, real go) on the inject fixture's cmd/other (fmt's closure, so std stays small), with
// the test run's GOCACHE. Binaries that can run here are run and their recorded calls
// checked; cross builds and c-shared are build only, checked by their file headers.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGcc, hasGo, makeTestEnv, run, runWeft, type RunResult } from './helpers.js';

const EXPECTED = 'hello, other\nrt: recorded [greet.Hello]\n';

describe('build modes (weft go build, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let app = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    root = copyFixture('inject');
    app = join(root, 'app');
    mkdirSync(join(root, 'bin'));
    ({ env, cleanup } = makeTestEnv('build-modes'));
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  function weftBuild(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return runWeft(['go', 'build', ...args], { cwd: app, env: { ...env, ...extraEnv }, timeoutMs: 300_000 });
  }

  async function buildAndRun(name: string, extra: string[], pkg = './cmd/other', extraEnv: NodeJS.ProcessEnv = {}): Promise<{ exe: string; stdout: string }> {
    const exe = join(root, 'bin', name);
    const b = await weftBuild([...extra, '-o', exe, pkg], extraEnv);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, '');
    const r = await run(exe, [], { cwd: app, env });
    assert.equal(r.code, 0, r.stderr);
    return { exe, stdout: r.stdout };
  }

  it('-buildmode=pie: a position-independent woven binary runs and reports', async () => {
    const { exe, stdout } = await buildAndRun('pie', ['-buildmode=pie']);
    assert.equal(stdout, EXPECTED);
    // ELF e_type at offset 16: 3 is ET_DYN (a PIE), 2 would be a plain executable.
    assert.equal(readFileSync(exe).readUInt16LE(16), 3);
  });

  it('-buildmode=c-shared (build only): the woven library and its header are written', { skip: !hasGcc && 'gcc is not installed' }, async () => {
    mkdirSync(join(app, 'cmd', 'lib'), { recursive: true });
    writeFileSync(join(app, 'cmd', 'lib', 'main.go'), [
      'package main',
      '',
      'import "C"',
      '',
      'import "example.com/app/greet"',
      '',
      '//export WeftHello',
      'func WeftHello() int { return len(greet.Hello("lib")) }',
      '',
      'func main() {}',
      '',
    ].join('\n'));
    const so = join(root, 'bin', 'libweft.so');
    const b = await weftBuild(['-buildmode=c-shared', '-o', so, './cmd/lib'], { CGO_ENABLED: '1' });
    assert.equal(b.code, 0, b.stderr);
    const lib = readFileSync(so);
    assert.equal(lib.subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.equal(lib.readUInt16LE(16), 3, 'a shared object (ET_DYN)');
    assert.ok(lib.includes('WeftHello'), 'the exported symbol is in the library');
    assert.ok(lib.includes('example.com/rt.Record'), 'the injected runtime is linked in');
    assert.match(readFileSync(join(root, 'bin', 'libweft.h'), 'utf8'), /WeftHello/);
  });

  it('a user -overlay replacing a source file: the overlaid content is woven and runs', async () => {
    const replacement = join(root, 'greet-overlay.go');
    writeFileSync(replacement, [
      'package greet',
      '',
      'import "strings"',
      '',
      'func Hello(name string) string { return "overlaid, " + name }',
      '',
      'func Shout(name string) string { return strings.ToUpper(Hello(name)) }',
      '',
    ].join('\n'));
    const overlay = join(root, 'overlay.json');
    writeFileSync(overlay, JSON.stringify({ Replace: { [join(app, 'greet', 'greet.go')]: replacement } }));
    const { stdout } = await buildAndRun('overlay', [`-overlay=${overlay}`]);
    assert.equal(stdout, EXPECTED.replace('hello, other', 'overlaid, other'));
    // The file on disk was not woven in place nor changed.
    assert.match(readFileSync(join(app, 'greet', 'greet.go'), 'utf8'), /return "hello, " \+ name/);
  });

  it('cross builds of a woven program (build only, CGO_ENABLED=0): darwin/arm64 and windows/amd64', async () => {
    const mac = join(root, 'bin', 'other-darwin-arm64');
    const win = join(root, 'bin', 'other-windows-amd64.exe');
    const m = await weftBuild(['-o', mac, './cmd/other'], { GOOS: 'darwin', GOARCH: 'arm64', CGO_ENABLED: '0' });
    assert.equal(m.code, 0, m.stderr);
    const w = await weftBuild(['-o', win, './cmd/other'], { GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '0' });
    assert.equal(w.code, 0, w.stderr);
    const macho = readFileSync(mac);
    assert.equal(macho.readUInt32LE(0), 0xfeedfacf, 'a 64-bit Mach-O');
    assert.equal(macho.readUInt32LE(4), 0x0100000c, 'CPU_TYPE_ARM64');
    assert.ok(macho.includes('example.com/rt.Record'), 'the injected runtime is linked in (darwin)');
    const pe = readFileSync(win);
    assert.equal(pe.subarray(0, 2).toString('latin1'), 'MZ');
    const peOff = pe.readUInt32LE(0x3c);
    assert.equal(pe.subarray(peOff, peOff + 4).toString('latin1'), 'PE\0\0');
    assert.equal(pe.readUInt16LE(peOff + 4), 0x8664, 'IMAGE_FILE_MACHINE_AMD64');
    assert.ok(pe.includes('example.com/rt.Record'), 'the injected runtime is linked in (windows)');
  });

  it('two builds with different aspect configs at the same time, one GOCACHE and one weft cache: each binary has its own aspects', async () => {
    const config = (label: string): string => {
      const file = join(root, `weft-${label}.yml`);
      writeFileSync(file, [
        `meta: {name: config-${label}, description: records greet calls labelled ${label}}`,
        'aspects:',
        `  - id: record-greet-${label}`,
        '    join-point:',
        '      all-of:',
        '        - import-path: example.com/app/greet',
        '        - function-body: {function: []}',
        '    advice:',
        `      prepend-statements: {imports: {rt: example.com/rt}, template: 'rt.Record("${label}.{{ .Function.Name }}")'}`,
        '  - id: report-at-exit',
        '    join-point:',
        '      all-of:',
        '        - package-name: main',
        '        - function-body: {function: [{name: main}]}',
        '    advice:',
        '      prepend-statements: {imports: {rt: example.com/rt}, template: defer rt.Report()}',
        '',
      ].join('\n'));
      return file;
    };
    const [a, b] = await Promise.all([
      buildAndRun('config-a', [], './cmd/other', { WEFT_CONFIG: config('a') }),
      buildAndRun('config-b', [], './cmd/other', { WEFT_CONFIG: config('b') }),
    ]);
    assert.equal(a.stdout, 'hello, other\nrt: recorded [a.Hello]\n');
    assert.equal(b.stdout, 'hello, other\nrt: recorded [b.Hello]\n');
    // And again, now that both are in the caches: neither config gets the other's results.
    const again = await buildAndRun('config-a-again', [], './cmd/other', { WEFT_CONFIG: join(root, 'weft-a.yml') });
    assert.equal(again.stdout, 'hello, other\nrt: recorded [a.Hello]\n');
  });
});
