// Overlay builds end to end (real go): when go -overlay can carry the woven files, `weft go`
// runs go with no -toolexec (no shim, no job server), untouched packages keep plain go's keys,
// positions point at the user's sources, a user's own overlay is merged, test binaries get
// their link-time packages through a generated external test file; where an overlay cannot
// carry the weaving (an internal link package, -cover), auto mode says why and plans instead.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, gorootInModCache, hasGo, helloAspect, makeTestEnv, run, runWeft, runWeftGo, weftBin, type RunOptions } from './helpers.js';

const GREET = 'example.com/pipeline/internal/greet';

/** Compile actions go ran, from `go build -x` output. */
function compilesIn(xOutput: string): number {
  return xOutput.split('\n').filter((l) => /\/compile(\.exe)? -o /.test(l)).length;
}

/** The inject fixture's net/http aspect: a go:linkname-only hook, linked from `hookPath`. */
function netHttpAspect(hookPath: string): string {
  return [
    'meta: {name: overlay-e2e, description: a linkname-only hook in net/http}',
    'aspects:',
    '  - id: record-net-http',
    '    join-point:',
    '      all-of:',
    '        - import-path: net/http',
    '        - function-body: {function: [{name: NewRequestWithContext}]}',
    '    advice:',
    '      - inject-declarations:',
    `          links: [${hookPath}]`,
    '          template: |-',
    `            //go:linkname __weft_hook_record ${hookPath}.Record`,
    '            func __weft_hook_record(string)',
    '      - prepend-statements:',
    '          template: __weft_hook_record("net/http.NewRequestWithContext")',
    '',
  ].join('\n');
}

describe('overlay builds (weft go, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-overlay-out-'));
  let affected: string[] = [];

  async function weftGo(args: string[], extra: NodeJS.ProcessEnv = {}, opts: Partial<RunOptions> = {}) {
    return runWeftGo(args, { cwd: mod, env: { ...env, ...extra }, ...opts });
  }

  before(async () => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('overlay'));
    const shim = await runWeft(['toolexec-path'], { cwd: mod, env });
    assert.equal(shim.code, 0, shim.stderr);
    writeFileSync(join(mod, 'weft.yml'), helloAspect());
    const l = await run('go', ['list', '-deps', '-f', '{{.ImportPath}}|{{join .Deps ","}}', './...'], { cwd: mod, env });
    assert.equal(l.code, 0, l.stderr);
    affected = l.stdout.trim().split('\n').map((x) => x.split('|')).filter(([p, deps]) => p === GREET || deps!.split(',').includes(GREET)).map(([p]) => p!);
    assert.ok(affected.length >= 2 && affected.length < 10, `greet and its dependents: ${affected.join(' ')}`);
  });

  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('auto picks overlay: no -toolexec, no shim, no server; after a plain build only greet and its dependents compile, and plain go then compiles nothing', async () => {
    const p = await run('go', ['build', '-o', join(out, 'plain') + '/', './...'], { cwd: mod, env });
    assert.equal(p.code, 0, p.stderr);
    const logFile = join(out, 'auto.log');
    const w = await weftGo(['build', '-x', '-o', join(out, 'woven') + '/', './...'], { WEFT_LOG: 'debug', WEFT_LOG_FILE: logFile });
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(w.stats.mode, { name: 'overlay', reason: 'auto: every woven package can be overlaid', overlayFiles: 1, linkFiles: 0 });
    const log = readFileSync(logFile, 'utf8');
    const running = log.split('\n').find((l) => l.includes(' running '));
    assert.ok(running !== undefined, log);
    assert.doesNotMatch(running, /-toolexec/);
    assert.match(running, /-overlay=/);
    assert.doesNotMatch(w.stderr, /weft-shim/, 'go -x shows no tool run through the shim');
    assert.equal(w.stats.shim, null, 'no shim ran');
    assert.deepEqual([w.stats.compileRequests, w.stats.linkRequests], [0, 0]);
    assert.deepEqual(w.stats.processes, { 'go env': 1, 'go list': 1 });
    assert.equal(compilesIn(w.stderr), affected.length, `compiles after a plain build (expected ${affected.join(' ')})`);
    assert.equal((await run(join(out, 'woven', 'app'), ['gopher'], { cwd: mod, env })).stderr, 'weft: entering Hello\n');

    const back = await run('go', ['build', '-x', '-o', join(out, 'plain2') + '/', './...'], { cwd: mod, env });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(compilesIn(back.stderr), 0, 'plain go finds its own objects still cached');
    assert.deepEqual(readFileSync(join(out, 'plain2', 'app')), readFileSync(join(out, 'plain', 'app')));
    assert.deepEqual(readFileSync(join(out, 'woven', 'tool')), readFileSync(join(out, 'plain', 'tool')), 'tool does not import greet: the same binary as plain go');

    const again = await weftGo(['build', '-x', '-o', join(out, 'woven2') + '/', './...'], { WEFT_MODE: 'overlay' });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.stats.mode, { name: 'overlay', reason: 'WEFT_MODE=overlay', overlayFiles: 1, linkFiles: 0 });
    assert.equal(compilesIn(again.stderr), 0, 'a second overlay build is fully cached');
  });

  it('positions: a panic in woven greet points at greet.go\'s own line, with and without -trimpath; go test of greet runs woven code in every variant', async () => {
    const m = join(out, 'panic');
    cpSync(mod, m, { recursive: true });
    const file = join(m, 'internal', 'greet', 'greet.go');
    const src = readFileSync(file, 'utf8').replace('\tif name == "" {', '\tif name == "panic" {\n\t\tpanic("greet panics")\n\t}\n\tif name == "" {');
    writeFileSync(file, src);
    const line = src.split('\n').findIndex((l) => l.includes('panic("greet panics")')) + 1;
    for (const trim of [false, true]) {
      const exe = join(out, `panic-app${trim ? '-trim' : ''}`);
      const b = await weftGo(['build', ...(trim ? ['-trimpath'] : []), '-o', exe, './cmd/app'], {}, { cwd: m });
      assert.equal(b.code, 0, b.stderr);
      assert.equal(b.stats.mode?.name, 'overlay');
      const r = await run(exe, ['panic'], { cwd: m, env });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /^weft: entering Hello\npanic: greet panics/);
      const where = trim ? `${GREET}/greet.go:${line}` : `${file}:${line}`;
      assert.ok(r.stderr.includes(`\t${where} `), `stack names ${where}:\n${r.stderr}`);
    }
    const t = await weftGo(['test', '-v', '-count=1', './internal/greet'], {}, { cwd: m });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.equal(t.stats.mode?.name, 'overlay');
    assert.match(t.stderr + t.stdout, /weft: entering Hello/);
    assert.match(t.stdout, /--- PASS: TestHello/);
    assert.match(t.stdout, /--- PASS: ExampleHello/);
  });

  it("a user's -overlay (and one in GOFLAGS) is merged: their replacement is what gets woven, the file on disk is untouched", async () => {
    const replacement = join(out, 'greet-user.go');
    writeFileSync(replacement, 'package greet\n\nfunc Hello(name string) string { return "overlaid, " + name }\n');
    const overlay = join(out, 'user-overlay.json');
    const target = join(mod, 'internal', 'greet', 'greet.go');
    writeFileSync(overlay, JSON.stringify({ Replace: { [target]: replacement } }));
    for (const [label, args, extra] of [['flag', [`-overlay=${overlay}`], {}], ['GOFLAGS', [], { GOFLAGS: `-overlay=${overlay}` }]] as const) {
      const exe = join(out, `user-overlay-${label}`);
      const b = await weftGo(['build', ...args, '-o', exe, './cmd/app'], extra);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(b.stats.mode?.name, 'overlay');
      const r = await run(exe, ['gopher'], { cwd: mod, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^overlaid, gopher$/m, label);
      assert.equal(r.stderr, 'weft: entering Hello\n', label);
    }
    assert.match(readFileSync(target, 'utf8'), /return "hello, " \+ name/);
  });

  it('-cover: go\'s cover tool reads the woven package from disk, so auto plans instead and says why; the tests see the woven code', async () => {
    const t = await weftGo(['test', '-cover', '-v', '-count=1', './internal/greet']);
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.equal(t.stats.mode?.name, 'planned');
    assert.ok(t.stats.mode!.reason.startsWith(`auto: no overlay build, go's cover tool reads the files of ${GREET}`), t.stats.mode!.reason);
    assert.match(t.stderr + t.stdout, /weft: entering Hello/);
    assert.match(t.stdout, /coverage: \d/);
    const forced = await runWeft(['go', 'test', '-cover', '-count=1', './internal/greet'], { cwd: mod, env: { ...env, WEFT_MODE: 'overlay' } });
    assert.equal(forced.code, 2);
    assert.match(forced.stderr, /WEFT_MODE=overlay: this build cannot be carried by an overlay: go's cover tool reads/);
  });

  it('go vet: a vetted woven package would be checked as woven source, so auto plans; vetting only its importers is an overlay build', async () => {
    const v = await weftGo(['vet', './internal/greet']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stats.mode?.name, 'planned');
    assert.ok(v.stats.mode!.reason.startsWith(`auto: no overlay build, go vet would check the woven source of ${GREET}`), v.stats.mode!.reason);
    const app = await weftGo(['vet', './cmd/app']);
    assert.equal(app.code, 0, app.stderr);
    assert.deepEqual(app.stats.mode, { name: 'overlay', reason: 'auto: every woven package can be overlaid', overlayFiles: 1, linkFiles: 0 });
  });

  it('a woven file edited between the plan and go\'s build fails the build (go compiled the overlay\'s copy), naming the package', async () => {
    const m = join(out, 'stale');
    cpSync(mod, m, { recursive: true });
    const gate = join(out, 'stale-gate');
    const file = join(m, 'internal', 'greet', 'greet.go');
    let edited = false;
    const r = await weftGo(['build', '-o', join(out, 'stale-bin') + '/', './...'], { WEFT_TEST_PAUSE_AFTER_PLAN: gate, WEFT_LOG: 'info' }, {
      cwd: m,
      onStderr: (chunk) => {
        if (edited || !chunk.includes('overlay build:')) return;
        edited = true;
        writeFileSync(file, readFileSync(file, 'utf8').replace('"hello, "', '"edited, "'));
        writeFileSync(gate, '');
      },
    });
    assert.ok(edited, 'the plan was logged');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`files of ${GREET.replace(/\./g, '\\.')} changed during the build`));
    const again = await weftGo(['build', '-o', join(out, 'stale-bin') + '/', './...'], {}, { cwd: m });
    assert.equal(again.code, 0, again.stderr);
    assert.match((await run(join(out, 'stale-bin', 'app'), ['x'], { cwd: m, env })).stdout, /^edited, x$/m);
  });

  it('SIGINT while go builds: go is stopped and the overlay directory removed', async () => {
    const tmp = mkdtempSync(join(out, 'tmp-'));
    let sent = false;
    let overlay = '';
    // -a: go is still compiling when the signal arrives.
    const r = await run(process.execPath, [weftBin, 'go', 'build', '-a', '-o', join(out, 'interrupted'), './cmd/app'], {
      cwd: mod,
      env: { ...env, TMPDIR: tmp, WEFT_LOG: 'debug' },
      onStderr: (chunk, pid) => {
        const m = / running \S+ build -a .*-overlay=(\S+)/.exec(chunk);
        if (sent || m === null) return;
        overlay = m[1]!;
        assert.ok(existsSync(overlay), 'the overlay exists while go runs');
        sent = true;
        process.kill(pid, 'SIGINT');
      },
      timeoutMs: 120_000,
    });
    assert.ok(sent, r.stderr);
    assert.ok(overlay.startsWith(tmp), overlay);
    assert.ok(r.code !== 0 && r.code !== null, `weft exits with go's failure or 128+2, not by the signal: ${r.code}\n${r.stderr}`);
    assert.equal(existsSync(overlay), false);
    assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('weft-')), [], 'nothing of weft left behind');
  });
});

// The inject fixture weaves net/http: with GOROOT beneath GOMODCACHE no overlay can carry it
// (test/e2e/inject.test.ts checks that auto plans then, and says why).
describe('overlay builds with link-time packages (weft go, real go, the inject fixture)', { skip: (!hasGo && 'go is not installed') || (gorootInModCache && 'GOROOT lies beneath GOMODCACHE: go -overlay cannot replace the woven net/http') }, () => {
  let root = '';
  let app = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    root = copyFixture('inject');
    app = join(root, 'app');
    ({ env, cleanup } = makeTestEnv('overlay-inject'));
    // A test of greet that reaches the woven net/http: its binary must link the hook.
    writeFileSync(join(app, 'greet', 'http_test.go'), [
      'package greet',
      '',
      'import (',
      '\t"net/http"',
      '\t"slices"',
      '\t"testing"',
      '',
      '\t"example.com/rt"',
      ')',
      '',
      'func TestHTTPHook(t *testing.T) {',
      '\tif _, err := http.NewRequest("GET", "http://example.invalid/", nil); err != nil {',
      '\t\tt.Fatal(err)',
      '\t}',
      '\tif !slices.Contains(rt.Calls(), "net/http.NewRequestWithContext") {',
      '\t\tt.Fatalf("recorded %v", rt.Calls())',
      '\t}',
      '}',
      '',
    ].join('\n'));
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('go test: the test binary gets the linkname-only hook through a generated external test file', async () => {
    writeFileSync(join(app, 'weft.yml'), netHttpAspect('example.com/rt/hook'));
    const t = await runWeftGo(['test', '-count=1', '-run', 'TestHTTPHook', '-v', './greet'], { cwd: app, env, timeoutMs: 300_000 });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.deepEqual(t.stats.mode, { name: 'overlay', reason: 'auto: every woven package can be overlaid', overlayFiles: 1, linkFiles: 1 });
    assert.match(t.stdout, /--- PASS: TestHTTPHook/);
    assert.equal(existsSync(join(app, 'greet', 'weft_links_')), false);
    assert.deepEqual(readdirSync(join(app, 'greet')).filter((n) => n.startsWith('weft_')), [], 'the link file exists only in the overlay');
  });

  it('a link-time package internal to another module: auto plans (saying why) and the planned build links it; forcing overlay is a clear error', async () => {
    mkdirSync(join(root, 'rt', 'internal', 'hook'), { recursive: true });
    writeFileSync(join(root, 'rt', 'internal', 'hook', 'hook.go'), 'package hook\n\nimport "example.com/rt"\n\n// Record is the linkname target.\nfunc Record(name string) { rt.Record(name) }\n');
    writeFileSync(join(app, 'weft.yml'), netHttpAspect('example.com/rt/internal/hook'));
    const t = await runWeftGo(['test', '-count=1', '-run', 'TestHTTPHook', './greet'], { cwd: app, env, timeoutMs: 300_000 });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.equal(t.stats.mode?.name, 'planned');
    assert.match(t.stats.mode!.reason, /^auto: no overlay build, the link-time package example\.com\/rt\/internal\/hook must be imported by example\.com\/app\/greet\.test, but example\.com\/rt\/internal\/hook is internal to example\.com\/rt$/);
    const forced = await runWeftGo(['test', '-count=1', '-run', 'TestHTTPHook', './greet'], { cwd: app, env: { ...env, WEFT_MODE: 'overlay' }, timeoutMs: 300_000 }).catch((e: Error) => e);
    assert.ok(forced instanceof Error, 'no stats: weft stopped before go ran');
    const r = await runWeft(['go', 'test', '--weft-mode=overlay', './greet'], { cwd: app, env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--weft-mode=overlay: this build cannot be carried by an overlay: the link-time package example\.com\/rt\/internal\/hook .* is internal to example\.com\/rt/);
  });
});
