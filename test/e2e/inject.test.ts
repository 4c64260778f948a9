// Injected dependencies end to end: `weft go` (real CLI, shim, server, weaver) on an app module
// that never imports the instrumentation runtime (a local module wired by `replace`). The
// aspects inject calls into the app, a deferred report into main, and a go:linkname-only hook
// into net/http (importing the runtime there would be a cycle). Every build mode users rely on
// must produce a binary that prints what the runtime recorded. The test run's GOCACHE.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILD_MODES, copyFixture, gorootInModCache, hasGo, makeTestEnv, run, runWeft, type RunResult } from './helpers.js';

const EXPECTED = 'HELLO, WEFT\nGET example.invalid\nrt: recorded [greet.Shout greet.Hello net/http.NewRequestWithContext]\n';

/** Why a covered build cannot be an overlay build (go's cover tool reads the package's files from disk). */
const COVER_FALLBACK = /go's cover tool reads the files of example\.com\/app\/cmd\/app from disk, not through -overlay/;

interface WeftGoOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Overlay pass: auto must plan instead, for this reason. */
  fallback?: RegExp;
}

// Every case runs in both pipelines of `weft go` (planned, toolexec); each build checks which ran.
for (const mode of BUILD_MODES) describe(`injected dependencies (weft go, real go) [${mode}]`, { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let app = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const logs = mkdtempSync(join(tmpdir(), 'weft-e2e-inject-logs-'));
  let nlog = 0;

  // A toolchain go downloaded (GOTOOLCHAIN=go1.x.y) has its GOROOT beneath GOMODCACHE, whose
  // files go -overlay refuses to replace: the woven net/http makes auto plan instead.
  const stdInModCache = gorootInModCache;

  before(() => {
    root = copyFixture('inject');
    app = join(root, 'app');
    ({ env, cleanup } = makeTestEnv('inject'));
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
    rmSync(logs, { recursive: true, force: true });
  });

  /**
   * Runs `weft go <args>` with a debug log; returns the result and the number of go list runs.
   * The overlay pass runs in auto mode: it must pick overlay, or plan for the reason `fallback` gives.
   */
  async function weftGo(args: string[], opts: WeftGoOptions = {}): Promise<RunResult & { goLists: number; log: string }> {
    const logFile = join(logs, `log-${nlog++}`);
    const r = await runWeft(['go', ...args], { cwd: opts.cwd ?? app, env: { ...env, WEFT_MODE: mode === 'overlay' ? 'auto' : mode, ...opts.env, WEFT_LOG: 'debug', WEFT_LOG_FILE: logFile }, timeoutMs: 300_000 });
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (r.code === 0) {
      if (mode !== 'overlay') assert.match(log, new RegExp(` ${mode} build: WEFT_MODE=${mode}`), `the ${mode} pipeline ran`);
      // A downloaded toolchain's GOROOT lies beneath GOMODCACHE, where go -overlay cannot
      // replace files: a build weaving net/http plans, one weaving only module packages overlays.
      else if (opts.fallback === undefined && stdInModCache) assert.match(log, / planned build: auto: no overlay build, net\/http is woven and lives in the module cache | overlay build: auto: every woven package can be overlaid;/, 'auto planned where GOROOT is in the module cache, else overlaid');
      else if (opts.fallback === undefined) assert.match(log, / overlay build: auto: every woven package can be overlaid;/, 'auto picked overlay');
      else assert.match(log, new RegExp(` planned build: auto: no overlay build, ${opts.fallback.source}`), 'auto planned, saying why');
    }
    return { ...r, goLists: log.split('\n').filter((l) => / debug go list /.test(l)).length, log };
  }

  async function buildAndRun(name: string, extra: string[], opts: WeftGoOptions = {}): Promise<string> {
    const exe = join(root, 'bin', name);
    const b = await weftGo(['build', ...extra, '-o', exe, './cmd/app'], opts);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, '');
    const r = await run(exe, [], { cwd: app, env: { ...env, GOCOVERDIR: logs } });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }

  it('plain build: the app never imports the runtime, the binary prints what it recorded; a constant number of go list runs', async () => {
    const deps = await run('go', ['list', '-deps', './cmd/app'], { cwd: app, env });
    assert.equal(deps.code, 0, deps.stderr);
    assert.ok(!deps.stdout.split('\n').includes('example.com/rt'), 'the app does not import the runtime');
    const exe = join(root, 'bin', 'plain');
    const b = await weftGo(['build', '-o', exe, './cmd/app']);
    assert.equal(b.code, 0, b.stderr);
    assert.equal((await run(exe, [], { cwd: app, env })).stdout, EXPECTED);
    // Planned and overlay builds know what is injected before go starts (the listing, one export
    // run); toolexec mode builds what each request needs when it comes (the compiles' runtime,
    // then the link's linkname-only hook): never the whole configuration.
    const most = mode === 'toolexec' ? 3 : 2;
    assert.ok(b.goLists >= 1 && b.goLists <= most, `go list runs per build: ${b.goLists}\n${b.log}`);
  });

  it('drop-in mode (go build -toolexec=<shim>) links the injected runtime too', { skip: mode !== 'toolexec' && 'drop-in is toolexec mode; run once' }, async () => {
    const p = await runWeft(['toolexec-path'], { cwd: app, env });
    assert.equal(p.code, 0, p.stderr);
    const exe = join(root, 'bin', 'dropin');
    const b = await run('go', ['build', `-toolexec=${p.stdout.trim()}`, '-o', exe, './cmd/app'], { cwd: app, env, timeoutMs: 300_000 });
    assert.equal(b.code, 0, b.stderr);
    assert.equal((await run(exe, [], { cwd: app, env })).stdout, EXPECTED);
  });

  it('editing the runtime module changes the fingerprint and rebuilds what depends on it', async () => {
    // cmd/other (fmt's closure, not net/http's) keeps the forced rebuild of std small.
    const other = async (name: string): Promise<string> => {
      const exe = join(root, 'bin', name);
      const b = await weftGo(['build', '-o', exe, './cmd/other']);
      assert.equal(b.code, 0, b.stderr);
      return (await run(exe, [], { cwd: app, env })).stdout;
    };
    const want = 'hello, other\nrt: recorded [greet.Hello]\n';
    assert.equal(await other('other'), want);
    const file = join(root, 'rt', 'rt.go');
    const before = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, before.replace('rt: recorded', 'rt: RECORDED'));
      assert.equal(await other('edited'), want.replace('rt: recorded', 'rt: RECORDED'));
    } finally {
      writeFileSync(file, before);
    }
    assert.equal(await other('restored'), want);
  });

  it('weft go test ./... weaves the package under test, its external test package and the test main', async () => {
    const r = await weftGo(['test', '-count=1', './...'], { env: { WEFT_E2E_EXPECT_RECORDS: '1' }, fallback: /the test main example\.com\/app\/greet\.test is woven, and go generates it/ });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /ok\s+example\.com\/app\/greet/);
  });

  it('weft go test -cover ./... (no -coverpkg), and -coverpkg=./...', async () => {
    const r = await weftGo(['test', '-count=1', '-cover', './...'], { env: { WEFT_E2E_EXPECT_RECORDS: '1' }, fallback: COVER_FALLBACK });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /ok\s+example\.com\/app\/greet\s.*coverage:/);
    const p = await weftGo(['test', '-count=1', '-coverpkg=./...', './...'], { env: { WEFT_E2E_EXPECT_RECORDS: '1' }, fallback: COVER_FALLBACK });
    assert.equal(p.code, 0, p.stderr + p.stdout);
    assert.match(p.stdout, /ok\s+example\.com\/app\/greet\s.*coverage: .* in \.\/\.\.\./);
  });

  // -gcflags/-ldflags must reach the injected packages too (the linker checks that every archive
  // was built alike), and -covermode changes what cover instruments.
  for (const mode of [['-race'], ['-cover'], ['-coverpkg=./...'], ['-covermode=atomic'], ['-trimpath'], ['-gcflags=all=-N -l', '-ldflags=-X main.weftE2E=1']]) {
    it(`build mode ${mode.join(' ')}`, async () => {
      assert.equal(await buildAndRun(`mode${mode.join('')}`, mode, mode[0]!.startsWith('-cover') ? { fallback: COVER_FALLBACK } : {}), EXPECTED);
    });
  }

  it('GOFLAGS set with `go env -w` (a GOENV file, not the environment) reach the injected packages', async () => {
    const goenv = join(root, 'goenv');
    const w = await run('go', ['env', '-w', 'GOFLAGS=-trimpath'], { cwd: app, env: { ...env, GOENV: goenv } });
    assert.equal(w.code, 0, w.stderr);
    // GOFLAGS unset: an empty one in the environment would still let the GOENV file speak, but be explicit.
    assert.equal(await buildAndRun('goenv', [], { env: { GOFLAGS: undefined, GOENV: goenv } }), EXPECTED);
  });

  it('a weft cache under a path with spaces: the shim path is quoted in -toolexec for go and for the inner go list', async () => {
    const spaced = join(root, 'my weft cache');
    mkdirSync(spaced, { recursive: true });
    assert.equal(await buildAndRun('spaced', [], { env: { WEFT_CACHE: spaced } }), EXPECTED);
  });

  it('a PGO build (default.pgo next to the main package): injected packages get the same profile', async () => {
    const profile = join(app, 'cmd', 'app', 'default.pgo');
    const prof = await run('go', ['test', '-run=^$', '-bench=.', '-benchtime=100ms', `-cpuprofile=${profile}`, '-o', join(logs, 'greet.test'), './greet'], { cwd: app, env });
    assert.equal(prof.code, 0, prof.stderr);
    try {
      assert.equal(await buildAndRun('pgo', []), EXPECTED);
    } finally {
      rmSync(profile, { force: true });
    }
  });

  it('a vendored module (go mod vendor)', async () => {
    const v = copyFixture('inject');
    try {
      const m = await run('go', ['mod', 'vendor'], { cwd: join(v, 'app'), env });
      assert.equal(m.code, 0, m.stderr);
      const exe = join(v, 'vendored');
      const b = await weftGo(['build', '-o', exe, './cmd/app'], { cwd: join(v, 'app') });
      assert.equal(b.code, 0, b.stderr);
      assert.equal((await run(exe, [], { cwd: v, env })).stdout, EXPECTED);
    } finally {
      rmSync(v, { recursive: true, force: true });
    }
  });

  it('a go.work workspace', async () => {
    const w = copyFixture('inject');
    try {
      writeFileSync(join(w, 'go.work'), 'go 1.22\n\nuse (\n\t./app\n\t./rt\n)\n');
      const exe = join(w, 'work');
      const b = await weftGo(['build', '-o', exe, './cmd/app'], { cwd: join(w, 'app') });
      assert.equal(b.code, 0, b.stderr);
      assert.equal((await run(exe, [], { cwd: w, env })).stdout, EXPECTED);
    } finally {
      rmSync(w, { recursive: true, force: true });
    }
  });

  it('cross-compiles for GOARCH=arm64 (build only) while an amd64 build runs at the same time on the same GOCACHE', async () => {
    const arm = join(root, 'bin', 'conc-arm64');
    const amd = join(root, 'bin', 'conc-amd64');
    const [x, y] = await Promise.all([
      weftGo(['build', '-o', arm, './cmd/app'], { env: { GOARCH: 'arm64' } }),
      weftGo(['build', '-o', amd, './cmd/app'], { env: { GOARCH: 'amd64' } }),
    ]);
    assert.equal(x.code, 0, x.stderr);
    assert.equal(y.code, 0, y.stderr);
    // ELF e_machine at offset 18: 0xB7 is AArch64.
    assert.equal(readFileSync(arm).readUInt16LE(18), 0xb7);
    assert.equal((await run(amd, [], { cwd: app, env })).stdout, EXPECTED);
  });

  it('an injected package that cannot be found: clear error naming the aspect, non-zero exit, no binary', async () => {
    const m = copyFixture('inject');
    try {
      rmSync(join(m, 'rt', 'rt.go'));
      writeFileSync(join(m, 'rt', 'hook', 'hook.go'), 'package hook\n\nfunc Record(name string) {}\n');
      const exe = join(m, 'missing');
      const r = await weftGo(['build', '-o', exe, './cmd/other'], { cwd: join(m, 'app') });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /example\.com\/rt/);
      assert.match(r.stderr, /aspect "(record-greet|report-at-exit)"/);
      assert.match(r.stderr, /run `weft pin example\.com\/rt`/);
      assert.equal(existsSync(exe), false, 'nothing half-written');
    } finally {
      rmSync(m, { recursive: true, force: true });
    }
  });

  it('importing into net/http a package that imports net/http is reported as E_CYCLE, without deadlock', async () => {
    const c = copyFixture('inject');
    try {
      mkdirSync(join(c, 'rt', 'httprt'));
      writeFileSync(join(c, 'rt', 'httprt', 'httprt.go'), 'package httprt\n\nimport (\n\t"net/http"\n\n\t"example.com/rt"\n)\n\nfunc Seen(r *http.Request) { rt.Record(r.Method) }\n');
      writeFileSync(join(c, 'app', 'weft.yml'), [
        'meta: {name: cycle, description: imports into net/http a package importing net/http}',
        'aspects:',
        '  - id: http-import-cycle',
        '    join-point:',
        '      all-of:',
        '        - import-path: net/http',
        '        - function-body: {function: [{name: NewRequestWithContext}]}',
        '    advice:',
        '      prepend-statements: {imports: {httprt: example.com/rt/httprt}, template: httprt.Seen(nil)}',
        '',
      ].join('\n'));
      const exe = join(c, 'cycle');
      const r = await weftGo(['build', '-o', exe, './cmd/app'], { cwd: join(c, 'app') });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /aspect "http-import-cycle": weaving net\/http would import example\.com\/rt\/httprt, which itself depends on net\/http/);
      assert.match(r.stderr, /go:linkname/);
      assert.equal(existsSync(exe), false);
    } finally {
      rmSync(c, { recursive: true, force: true });
    }
  });
});
