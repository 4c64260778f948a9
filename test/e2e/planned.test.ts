// Planned builds end to end (real go, the pipeline fixture): packages the aspects do not touch
// keep plain go's cache keys, so switching between `go build` and `weft go build` recompiles
// only the woven packages and their dependents; the counts that drive a build's cost are held
// fixed here (processes, go list runs, files screened and parsed, requests), timings are not;
// a plan that says "no" never puts a woven object under a plain key; a file changed after
// planning fails the build instead of leaving it silently uninstrumented.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, helloAspect, makeTestEnv, run, runWeft, runWeftGo, type RunOptions, type StatsJson } from './helpers.js';

const GREET = 'example.com/pipeline/internal/greet';

/** Compile actions go ran, from `go build -x` output. */
function compilesIn(xOutput: string): number {
  return xOutput.split('\n').filter((l) => /\/compile(\.exe)? -o /.test(l)).length;
}

describe('planned builds (weft go, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-planned-out-'));
  /** Packages of `go build ./...` (std included) and those that are greet or import it, directly or not. */
  let listed = 0;
  let affected: string[] = [];

  async function weftBuild(args: string[], extra: NodeJS.ProcessEnv = {}, opts: Partial<RunOptions> = {}) {
    const r = await runWeftGo(['build', ...args], { cwd: mod, env: { ...env, WEFT_MODE: 'planned', ...extra }, ...opts });
    if (r.code === 0) assert.equal(r.stats.mode?.name, 'planned');
    return r;
  }

  before(async () => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('planned'));
    // A weave cache of its own: the counts below include what was parsed, so nothing may be cached before.
    env = { ...env, WEFT_CACHE: join(out, 'weft-cache') };
    // The shim is built before, so the counted build starts only what every build starts.
    const shim = await runWeft(['toolexec-path'], { cwd: mod, env });
    assert.equal(shim.code, 0, shim.stderr);
    writeFileSync(join(mod, 'weft.yml'), helloAspect());
    const l = await run('go', ['list', '-deps', '-f', '{{.ImportPath}}|{{join .Deps ","}}', './...'], { cwd: mod, env });
    assert.equal(l.code, 0, l.stderr);
    const lines = l.stdout.trim().split('\n');
    listed = lines.length;
    affected = lines.map((x) => x.split('|')).filter(([p, deps]) => p === GREET || deps!.split(',').includes(GREET)).map(([p]) => p!);
    assert.ok(affected.length >= 2 && affected.length < 10, `greet and its dependents: ${affected.join(' ')}`);
  });

  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('after a plain build, weft recompiles only greet and its dependents, and going back to plain go recompiles nothing', async () => {
    const p = await run('go', ['build', '-o', join(out, 'plain') + '/', './...'], { cwd: mod, env });
    assert.equal(p.code, 0, p.stderr);
    const w = await weftBuild(['-o', join(out, 'woven') + '/', './...']);
    assert.equal(w.code, 0, w.stderr);
    const shim = w.stats.shim!;
    const compiles = (shim.byToolKind['compile exec'] ?? 0) + (shim.byToolKind['compile ipc'] ?? 0);
    assert.equal(compiles, affected.length, `compiles after a plain build (expected ${affected.join(' ')})`);
    assert.equal(shim.byToolKind['compile ipc'], 1, 'only the marked package asked the server');
    const app = await run(join(out, 'woven', 'app'), ['gopher'], { cwd: mod, env });
    assert.equal(app.stderr, 'weft: entering Hello\n');

    // The counts that drive the cost of a planned build, exact.
    const s = w.stats;
    assert.deepEqual(s.processes, { 'go env': 1, 'go list': 1 }, 'one go env (facts) and one go list (the plan)');
    assert.equal(s.plan!.listed, listed);
    assert.equal(s.plan!.goListRuns, 1);
    assert.deepEqual([s.plan!.candidates, s.plan!.woven, s.plan!.deferred, s.plan!.dependents], [1, 1, 0, 0]);
    assert.deepEqual([s.plan!.compileMarks, s.plan!.overlayMarks], [1, 1], "greet is named on the command line: its mark is an overlay file");
    assert.deepEqual([s.plan!.filesScanned, s.plan!.filesParsed], [1, 1], 'only greet passes the package filter; its one file is parsed');
    assert.deepEqual([s.compileRequests, s.linkRequests, s.woven], [1, 0, 1]);
    assert.equal(s.cache!.localHits, 1, 'the compile found the plan\'s woven file in the weave cache');
    assert.equal(s.types.batches, 0);

    const back = await run('go', ['build', '-x', '-o', join(out, 'plain2') + '/', './...'], { cwd: mod, env });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(compilesIn(back.stderr), 0, 'plain go finds its own objects still cached: weft stored nothing under their keys');
    assert.deepEqual(readFileSync(join(out, 'plain2', 'app')), readFileSync(join(out, 'plain', 'app')));
    assert.deepEqual(readFileSync(join(out, 'woven', 'tool')), readFileSync(join(out, 'plain', 'tool')), 'tool does not import greet: weft built the same binary as plain go');
  });

  it('a second weft build starts no compile; a go test of greet runs the woven Hello in every test variant', async () => {
    const w = await weftBuild(['-o', join(out, 'woven2') + '/', './...']);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stats.compileRequests, 0);
    assert.equal((w.stats.shim!.byToolKind['compile exec'] ?? 0), 0);
    const t = await runWeftGo(['test', '-v', '-count=1', './internal/greet'], { cwd: mod, env: { ...env, WEFT_MODE: 'planned' } });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.equal(t.stats.mode?.name, 'planned');
    assert.match(t.stdout, /weft: entering Hello|--- PASS/);
    assert.match(t.stderr + t.stdout, /weft: entering Hello/);
    // greet [greet.test] and the test main ask the server (marked through greet's pattern).
    assert.ok((t.stats.shim!.byToolKind['compile ipc'] ?? 0) >= 2, JSON.stringify(t.stats.shim));
  });

  it('a plan that leaves greet unmarked never stores a woven greet: the server refuses to weave it, and a plain build accepts what weft stored', async () => {
    const m = join(out, 'poison');
    cpSync(mod, m, { recursive: true });
    // A change so greet must be compiled again by this build.
    writeFileSync(join(m, 'internal', 'greet', 'greet.go'), readFileSync(join(m, 'internal', 'greet', 'greet.go'), 'utf8') + '\n// poison\n');
    const o = { cwd: m };
    const refused = await weftBuild(['-o', join(out, 'poison-refused') + '/', './...'], { WEFT_TEST_PLAN_UNMARK: GREET, WEFT_SHIM_ASK_ALL: '1' }, o);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /was planned as untouched, but aspects trace-hello match it now/);

    const unwoven = await weftBuild(['-o', join(out, 'poison-weft') + '/', './...'], { WEFT_TEST_PLAN_UNMARK: GREET }, o);
    assert.equal(unwoven.code, 0, unwoven.stderr);
    assert.equal((await run(join(out, 'poison-weft', 'app'), ['x'], { cwd: m, env })).stderr, '', 'the plan said no: nothing woven');
    const plain = await run('go', ['build', '-x', '-o', join(out, 'poison-plain') + '/', './...'], { cwd: m, env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(compilesIn(plain.stderr), 0, 'plain go takes what weft stored under its keys as its own');
    assert.deepEqual(readFileSync(join(out, 'poison-plain', 'app')), readFileSync(join(out, 'poison-weft', 'app')));
  });

  it('a file changed between the plan and its compile fails the build, naming the package; the next build weaves it', async () => {
    const m = join(out, 'stale');
    cpSync(mod, m, { recursive: true });
    writeFileSync(join(m, 'weft.yml'), helloAspect({ importPath: null }));
    const gate = join(out, 'stale-gate');
    const strs = join(m, 'internal', 'strs');
    const file = readdirGo(strs);
    let edited = false;
    const r = await weftBuild(['-o', join(out, 'stale-bin') + '/', './...'], { WEFT_TEST_PAUSE_AFTER_PLAN: gate, WEFT_LOG: 'info' }, {
      cwd: m,
      onStderr: (chunk) => {
        if (edited || !chunk.includes('planned build:')) return;
        edited = true;
        writeFileSync(file, readFileSync(file, 'utf8') + '\nfunc Hello() string { return "stale" }\n');
        writeFileSync(gate, '');
      },
    });
    assert.ok(edited, 'the plan was logged');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /files of example\.com\/pipeline\/internal\/strs changed during the build, and the aspects match them now/);
    const again = await weftBuild(['-o', join(out, 'stale-bin') + '/', './...'], {}, { cwd: m });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(again.stats.plan!.woven >= 2, 'greet and strs woven now');
  });

  it('the plan screens the same in the worker pool as on the server\'s thread: same counts, same program', async () => {
    const m = join(out, 'pool');
    cpSync(mod, m, { recursive: true });
    // No package filter: every listed package (std included) has its files scanned.
    writeFileSync(join(m, 'weft.yml'), helloAspect({ importPath: null }));
    const plans = [];
    for (const [where, threshold] of [['pool', '0'], ['here', '1000000000']] as const) {
      // A weave cache each: what the plan parses is counted, so nothing may be cached before.
      const r = await weftBuild(['-o', join(out, `pool-${where}`) + '/', './...'], { WEFT_TEST_PLAN_POOL_FILES: threshold, WEFT_CACHE: join(out, `cache-${where}`) }, { cwd: m });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await run(join(out, `pool-${where}`, 'app'), ['gopher'], { cwd: m, env })).stderr, 'weft: entering Hello\n');
      plans.push(r.stats.plan!);
    }
    const [pool, here] = plans as [NonNullable<StatsJson['plan']>, NonNullable<StatsJson['plan']>];
    assert.ok(pool.screenedInPool > 0 && pool.filesScanned > pool.screenedInPool, JSON.stringify(pool));
    assert.equal(here.screenedInPool, 0);
    const counts = ({ millis: _m, screenedInPool: _s, ...rest }: typeof pool) => rest;
    assert.deepEqual(counts(pool), counts(here));
  });
});

function readdirGo(dir: string): string {
  const f = readdirSync(dir).find((n) => n.endsWith('.go') && !n.endsWith('_test.go'));
  assert.ok(f !== undefined, `a Go file in ${dir}`);
  return join(dir, f);
}
