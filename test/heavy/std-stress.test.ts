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
// 3. `weft go test net/http encoding/json strconv` passes against the woven std;
// 4. every .go file under GOROOT/src (cmd, tests, testdata and other platforms' files too),
//    woven in process directory by directory, parses with go/parser, and go/scanner, reading the
//    //line directives as the compiler does, finds each original token at its own file, line and
//    column (the fixture's checklines).
//
// The figures (files, bodies, woven, %, time) are printed for the README.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { WeftError } from '../../src/errors.js';
import { weavePackage } from '../../src/weave/weave-package.js';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo, type StatsJson } from '../e2e/helpers.js';
import { input } from '../unit/weave/helpers.js';

const FIXTURE = 'std-stress';

interface BodyCount {
  package: string;
  files: number;
  bodies: number;
}

interface LineCheck {
  files: number;
  unparsable: number;
  bodies: number;
  wovenFiles: number;
  wovenBodies: number;
  tokens: number;
  missedFiles: string[] | null;
  missedBodies: number;
  broken: string[] | null;
  mismatches: string[] | null;
}

/** The directories under `root` holding .go files, each with its files, sorted. */
function goDirs(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (d: string): void => {
    const files: string[] = [];
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile() && e.name.endsWith('.go')) files.push(join(d, e.name));
    }
    if (files.length > 0) out.set(d, files);
  };
  walk(root);
  return out;
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

  it('every .go file under GOROOT/src, woven in process, parses and keeps every token at its //line position', { timeout: 3_600_000 }, async () => {
    const goroot = await run('go', ['env', 'GOROOT'], { cwd: dir, env });
    assert.equal(goroot.code, 0, goroot.stderr);
    const src = join(goroot.stdout.trim(), 'src');
    const config = await loadConfig(join(dir, 'weft.yml'));
    const out = mkdtempSync(join(tmpdir(), 'weft-std-stress-woven-'));
    try {
      const lines: string[] = [];
      const failed: string[] = [];
      let warnings = 0;
      let nodes = 0;
      const started = Date.now();
      for (const [d, files] of goDirs(src)) {
        let woven = new Map<string, string>();
        try {
          const r = await weavePackage(input(relative(src, d), files), config);
          warnings += r.warnings?.length ?? 0;
          nodes += r.stats.nodesWoven;
          woven = new Map(r.files.map((f) => [f.original, f.text]));
        } catch (e) {
          if (!(e instanceof WeftError)) throw e;
          failed.push(`${relative(src, d)}: ${e.message}`);
        }
        for (const f of files) {
          const text = woven.get(f);
          const name = text === undefined ? '' : join(out, `${lines.length}.go`);
          if (text !== undefined) writeFileSync(name, text);
          lines.push(`${f}\t${name}`);
        }
      }
      const weaveMs = Date.now() - started;
      writeFileSync(join(out, 'pairs.txt'), `${lines.join('\n')}\n`);
      const c = await run('go', ['run', './checklines', join(out, 'pairs.txt')], { cwd: dir, env, timeoutMs: 1_800_000 });
      assert.equal(c.code, 0, c.stderr);
      const k = JSON.parse(c.stdout) as LineCheck;
      const pct = ((100 * k.wovenBodies) / k.bodies).toFixed(2);
      console.log(`std stress, every .go file of GOROOT/src woven in process: ${k.files} files (${k.unparsable} rejected by go/parser), ${k.bodies} function bodies, ${k.wovenBodies} woven (${pct}%) in ${k.wovenFiles} files; ${k.tokens} tokens checked, ${k.mismatches?.length ?? 0} misplaced; ${failed.length} directories failed, ${warnings} warnings (files weft could not parse); weaving ${(weaveMs / 1000).toFixed(1)} s`);
      if ((k.missedFiles?.length ?? 0) > 0) console.log(`std stress, files go/parser accepts that weft did not weave (${k.missedBodies} bodies): ${(k.missedFiles ?? []).slice(0, 20).join(' ')}`);
      assert.deepEqual(failed, []);
      assert.deepEqual(k.broken ?? [], []);
      assert.deepEqual(k.mismatches ?? [], []);
      // The weaver also wove files go/parser rejects (the type checker's broken testdata).
      assert.ok(nodes >= k.wovenBodies, `weft counted ${nodes} bodies woven, the checker found ${k.wovenBodies}`);
      assert.ok(k.files > 5_000 && k.bodies > 50_000, JSON.stringify({ ...k, missedFiles: k.missedFiles?.length }));
      assert.ok(k.wovenBodies >= 0.95 * k.bodies);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
