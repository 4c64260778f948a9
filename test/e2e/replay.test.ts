// Replayed builds (real go, the pipeline fixture, bin/weft as CI runs it: CI=true, no daemon).
// A build whose stored plan weaves nothing leaves a replay record; the next identical build is
// run by the Go front end without starting Node (a `node` on PATH that logs every start proves
// it), also in a checkout restored at another path, and after an edit that keeps a file's
// header and adds nothing an aspect looks for; an edit to imports, or one that adds what an
// aspect looks for, goes through Node, and when the aspect matches the binary shows the
// weaving; a build that weaves is never replayed.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, repoRoot, run, runWeft, resetTimes, type RunResult, type StatsJson } from './helpers.js';

const launcher = join(repoRoot, 'bin', 'weft');

type ReplayStats = StatsJson & { planReuse: string | null; replay?: { files: number; edited: number; dirs: number } };

/** An aspect on functions named Farewell in the greet package: the fixture has none until a test adds one. */
const FAREWELL_ASPECT = [
  'meta:',
  '  name: trace-farewell',
  '  description: announces Farewell on stderr',
  'aspects:',
  '  - id: trace-farewell',
  '    join-point:',
  '      all-of:',
  '        - import-path: example.com/pipeline/internal/greet',
  '        - function-body:',
  '            function:',
  '              - name: Farewell',
  '    advice:',
  '      prepend-statements:',
  `        template: 'println("weft: entering {{ .Function.Name }}")'`,
  '',
].join('\n');

describe('builds the Go front end replays without Node (bin/weft, CI=true, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-replay-'));
  const first = join(out, 'first', 'checkout');
  /** The same -o for every build: the command line is part of the record's key. */
  const exe = join(out, 'bin', 'app');
  const nodeLog = join(out, 'node-starts');
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let n = 0;

  async function build(cwd: string): Promise<RunResult & { stats: ReplayStats; nodeStarts: number }> {
    const statsFile = join(out, `stats${n++}.json`);
    writeFileSync(nodeLog, '');
    const r = await run(launcher, ['go', 'build', '-o', exe, './cmd/app'], { cwd, env: { ...env, WEFT_STATS_JSON: statsFile } });
    assert.equal(r.code, 0, r.stderr);
    const nodeStarts = readFileSync(nodeLog, 'utf8').split('\n').filter((l) => l.includes('weft.js')).length;
    return { ...r, stats: JSON.parse(readFileSync(statsFile, 'utf8')) as ReplayStats, nodeStarts };
  }

  async function app(): Promise<RunResult> {
    const r = await run(exe, ['x'], { cwd: out, env });
    assert.equal(r.code, 0, r.stderr);
    return r;
  }

  function restore(name: string): string {
    const dir = join(out, name, 'checkout');
    cpSync(first, dir, { recursive: true });
    resetTimes(dir, new Date(Date.now() - 30_000));
    return dir;
  }

  before(async () => {
    const fixture = copyFixture('pipeline');
    cpSync(fixture, first, { recursive: true });
    rmSync(fixture, { recursive: true, force: true });
    ({ env, cleanup } = makeTestEnv('replay'));
    delete env['WEFT_PLAN_CACHE'];
    // A node that logs every start, first on PATH for every build (PATH is part of the key).
    const fakes = join(out, 'path');
    mkdirSync(fakes);
    writeFileSync(join(fakes, 'node'), `#!/bin/sh\necho "$@" >> ${nodeLog}\nexec ${process.execPath} "$@"\n`);
    chmodSync(join(fakes, 'node'), 0o755);
    env = { ...env, PATH: `${fakes}:${env['PATH'] ?? ''}`, CI: 'true', GOFLAGS: '-trimpath', WEFT_CACHE: join(out, 'weft-cache') };
    delete env['WEFT_DAEMON'];
    writeFileSync(join(first, 'weft.yml'), FAREWELL_ASPECT);
    resetTimes(first, new Date(Date.now() - 60_000));
    mkdirSync(join(out, 'bin'));
    // Builds the shim and writes the front-end pointer bin/weft reads.
    const shim = await runWeft(['toolexec-path'], { cwd: first, env });
    assert.equal(shim.code, 0, shim.stderr);
  });

  after(() => {
    cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  it('the second identical build is replayed without Node, and its binary is the first one\'s', async () => {
    const b1 = await build(first);
    assert.equal(b1.nodeStarts, 1, 'the first build is Node\'s');
    assert.equal(b1.stats.planReuse, 'made');
    assert.equal(b1.stats.mode?.name, 'overlay');
    const expected = await app();
    assert.match(expected.stdout, /^hello, x$/m);
    assert.doesNotMatch(expected.stderr, /weft: entering/);

    const b2 = await build(first);
    assert.equal(b2.stats.planReuse, 'replayed', b2.stderr);
    assert.equal(b2.nodeStarts, 0, 'no Node started');
    assert.ok((b2.stats.replay?.files ?? 0) > 5, JSON.stringify(b2.stats));
    const again = await app();
    assert.equal(again.stdout, expected.stdout);
    assert.equal(again.stderr, expected.stderr);
  });

  it('a checkout restored at another path, times reset, is replayed', async () => {
    const b = await build(restore('moved'));
    assert.equal(b.stats.planReuse, 'replayed', b.stderr);
    assert.equal(b.nodeStarts, 0);
    assert.match((await app()).stdout, /^hello, x$/m);
  });

  it('an edit that makes the aspect match goes through Node, and the binary shows the weaving; a build that weaves is not replayed', async () => {
    const dir = restore('edited');
    writeFileSync(join(dir, 'internal', 'greet', 'farewell.go'), 'package greet\n\n// Farewell says goodbye.\nfunc Farewell(name string) string { return "bye, " + name }\n');
    const main = join(dir, 'cmd', 'app', 'main.go');
    writeFileSync(main, readFileSync(main, 'utf8').replace('fmt.Println(greet.Hello(name))', 'fmt.Println(greet.Hello(name))\n\tfmt.Println(greet.Farewell(name))'));
    const b = await build(dir);
    assert.equal(b.nodeStarts, 1, 'Node decides again');
    assert.notEqual(b.stats.planReuse, 'replayed');
    const r = await app();
    assert.match(r.stdout, /^bye, x$/m);
    assert.match(r.stderr, /weft: entering Farewell/);
    // It weaves: Node keeps deciding (from its stored plan), the front end never replays it.
    const again = await build(dir);
    assert.equal(again.nodeStarts, 1);
    assert.equal(again.stats.planReuse, 'reused');
    assert.match((await app()).stderr, /weft: entering Farewell/);
  });

  it('an edit that keeps the file\'s header and adds nothing an aspect looks for is replayed, and the binary shows it', async () => {
    const dir = restore('touched');
    const f = join(dir, 'internal', 'greet', 'greet.go');
    writeFileSync(f, readFileSync(f, 'utf8').replace('"hello, "', '"hullo, "'));
    const b = await build(dir);
    assert.equal(b.stats.planReuse, 'replayed', b.stderr);
    assert.equal(b.nodeStarts, 0);
    assert.equal(b.stats.replay?.edited, 1);
    assert.match((await app()).stdout, /^hullo, x$/m);
  });

  it('an edit that adds what the aspect looks for in that package goes through Node, even where it does not match yet', async () => {
    const dir = restore('named');
    const f = join(dir, 'internal', 'greet', 'greet.go');
    // "Farewell" in a comment: no function matches, but only Node can say so.
    writeFileSync(f, readFileSync(f, 'utf8').replace('// Hello greets', '// Farewell is not here yet. Hello greets'));
    const b = await build(dir);
    assert.equal(b.nodeStarts, 1);
    assert.match((await app()).stdout, /^hello, x$/m);
    // The same words elsewhere (a package the aspect does not apply to) are let through.
    const dir2 = restore('named-elsewhere');
    const main = join(dir2, 'cmd', 'app', 'main.go');
    writeFileSync(main, readFileSync(main, 'utf8').replace('func main() {', 'func main() {\n\t// Farewell comes later.'));
    const b2 = await build(dir2);
    assert.equal(b2.stats.planReuse, 'replayed', b2.stderr);
    assert.equal(b2.nodeStarts, 0);
  });

  it('an edit to a file\'s imports goes through Node once, then replays again', async () => {
    const dir = restore('imports');
    const f = join(dir, 'internal', 'greet', 'greet.go');
    writeFileSync(f, readFileSync(f, 'utf8').replace('import "strings"', 'import (\n\t"strings"\n\t"unicode/utf8"\n)').replace('return "hello, " + name', 'return "hello, " + name + strings.Repeat("!", utf8.RuneCountInString(name)-utf8.RuneCountInString(name))'));
    const b = await build(dir);
    assert.equal(b.nodeStarts, 1);
    // Re-listed: planned again (or re-screened when an earlier build left its plan under this key).
    assert.notEqual(b.stats.planReuse, 'replayed');
    assert.match((await app()).stdout, /^hello, x$/m);
    const again = await build(dir);
    assert.equal(again.stats.planReuse, 'replayed', again.stderr);
    assert.equal(again.nodeStarts, 0);
  });
});
