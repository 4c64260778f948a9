// The standard library as a stress test of the parser, the edits and the //line mapping: the
// fixture's weft.yml prepends a statement to every function body of every package a build
// compiles (std and runtime included; the file says why nothing is excluded), and
//
// 1. `weft go build std` (a private GOCACHE, so all of std compiles through weft) weaves exactly
//    as many bodies as go/parser counts in the files the compiler gets (the fixture's
//    countbodies: `go list -compiled`, cgo output included), with no failure and no warning;
// 2. `weft go build -a` of a std-heavy program (TLS, JSON, gzip, templates…) weaves every body
//    of every package it links, and the program runs: its checks include runtime.Caller sites
//    inside woven std files, which must name the original file and a line holding the call;
// 3. `weft go test net/http encoding/json strconv` passes against the woven std.
//
// The figures (files, bodies, woven, %, time) are printed for the README.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo, type StatsJson } from '../e2e/helpers.js';

const FIXTURE = 'std-stress';

interface BodyCount {
  package: string;
  files: number;
  bodies: number;
}

type Stats = StatsJson & { warnings: number; weave: { packages: number; filesScanned: number; filesWoven: number; nodesWoven: number } };

describe('every function body of the standard library woven', { skip: !hasGo && 'go is not installed' }, () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(async () => {
    dir = copyFixture(FIXTURE, 'heavy');
    ({ env, cleanup } = makeTestEnv(FIXTURE));
    // A weave cache hit reports no weaving: every figure here comes from weaving itself.
    env = { ...env, WEFT_WEAVE_CACHE: 'off', WEFT_CALL_TIMEOUT: '30m' };
    // The main module's go line sets the GODEBUG defaults of the test binaries, std's included:
    // std's tests expect their own toolchain's (under `go 1.23`, net/http's cookie limit is off).
    const v = await run('go', ['env', 'GOVERSION'], { cwd: dir, env });
    assert.equal(v.code, 0, v.stderr);
    const edit = await run('go', ['mod', 'edit', `-go=${v.stdout.trim().replace(/^go/, '')}`], { cwd: dir, env });
    assert.equal(edit.code, 0, edit.stderr);
  });
  after(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** go/parser's count of function bodies in the compiled files of the packages `args` name. */
  async function countBodies(args: string[]): Promise<{ packages: number; files: number; bodies: number }> {
    const r = await run('go', ['run', './countbodies', ...args], { cwd: dir, env, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    const counts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as BodyCount);
    return {
      packages: counts.filter((c) => c.files > 0).length,
      files: counts.reduce((a, c) => a + c.files, 0),
      bodies: counts.reduce((a, c) => a + c.bodies, 0),
    };
  }

  function figures(what: string, count: { files: number; bodies: number }, stats: Stats, ms: number): void {
    const w = stats.weave;
    const pct = ((100 * w.nodesWoven) / count.bodies).toFixed(2);
    console.log(`std stress, ${what}: ${count.files} files, ${count.bodies} function bodies (go/parser); weft wove ${w.nodesWoven} bodies (${pct}%) in ${w.filesWoven} files of ${w.packages} packages; ${stats.errors} failures, ${stats.warnings} warnings; ${(ms / 1000).toFixed(1)} s`);
  }

  it('weft go build std weaves every function body go/parser finds, with no failure or warning', { timeout: 3_600_000 }, async () => {
    const count = await countBodies(['std']);
    // A Go release has ~350 std packages and ~20,000 bodies for linux/amd64: far fewer means the count broke.
    assert.ok(count.packages > 250 && count.bodies > 15_000, JSON.stringify(count));
    const b = await runWeftGo(['build', 'std'], { cwd: dir, env, timeoutMs: 3_600_000 });
    assert.equal(b.code, 0, b.stderr);
    const stats = b.stats as Stats;
    figures('go build std', count, stats, b.ms);
    assert.equal(stats.errors, 0);
    assert.equal(stats.warnings, 0, b.stderr);
    assert.ok(stats.weave.nodesWoven >= 0.95 * count.bodies);
    // Nothing is excluded (see weft.yml), and go build std compiles each package once.
    assert.equal(stats.weave.nodesWoven, count.bodies);
  });

  it('a std-heavy program built with -a weaves every body it links, and runs with exact //line positions', { timeout: 3_600_000 }, async () => {
    const count = await countBodies(['-deps', '.']);
    const exe = join(dir, 'stdheavy');
    const b = await runWeftGo(['build', '-a', '-o', exe, '.'], { cwd: dir, env, timeoutMs: 3_600_000 });
    assert.equal(b.code, 0, b.stderr);
    const stats = b.stats as Stats;
    figures('go build -a of the program', count, stats, b.ms);
    assert.equal(stats.errors, 0);
    assert.equal(stats.warnings, 0, b.stderr);
    assert.equal(stats.weave.nodesWoven, count.bodies);
    const r = await run(exe, [], { cwd: dir, env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^ok line net\/http → handler$/m);
    assert.match(r.stdout, /all checks passed\n$/);
  });

  it('go test net/http encoding/json strconv passes against the woven std', { timeout: 3_600_000 }, async () => {
    const pkgs = ['net/http', 'encoding/json', 'strconv'];
    const t = await runWeftGo(['test', ...pkgs], { cwd: dir, env, timeoutMs: 3_600_000 });
    const stats = t.stats as Stats;
    console.log(`std stress, go test ${pkgs.join(' ')}: exit ${t.code}; weft wove ${stats.weave.nodesWoven} bodies in ${stats.weave.filesWoven} files (test variants and test files); ${stats.errors} failures, ${stats.warnings} warnings; ${(t.ms / 1000).toFixed(1)} s`);
    assert.equal(t.code, 0, `${t.stdout}\n${t.stderr}`.slice(-20_000));
    for (const p of pkgs) assert.match(t.stdout, new RegExp(`^ok\\s+${p.replace('/', '\\/')}\\s`, 'm'));
    assert.equal(stats.errors, 0);
    assert.equal(stats.warnings, 0, t.stderr);
    assert.ok(stats.weave.nodesWoven > 0);
  });
});
