// Plans that outlive the process (real go, the pipeline fixture, in-process builds as in CI):
// the plan an in-process build made is kept in the weave cache, and a later build — in a
// checkout restored at another path, its file times reset — uses it when nothing it depended on
// changed, screens again what changed only in content, and plans again otherwise. A stored plan
// cut short is ignored with a warning; two builds storing at once leave it readable.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, helloAspect, makeTestEnv, run, runWeft, runWeftGo, resetTimes, waitUntil, type StatsJson } from './helpers.js';

type PlanStats = StatsJson & {
  planReuse: 'reused' | 'rescreened' | 'replanned' | 'made' | null;
  planStore: { found: boolean; corrupt: number; stored: boolean; why: string; loadMillis: number } | null;
};

/** The compiles go ran, by package (`-p`), from `go build -x` output. */
function compiled(xOutput: string): string[] {
  return xOutput.split('\n').filter((l) => /\/compile(\.exe)? -o /.test(l)).map((l) => / -p (\S+)/.exec(l)?.[1] ?? '?').sort();
}

/** The stored plans' files in a weft cache. */
function storedPlans(weftCache: string): string[] {
  const base = join(weftCache, 'weave', 'v1');
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((s) => readdirSync(join(base, s)).filter((n) => n.startsWith('plan-')).map((n) => join(base, s, n)));
}

describe('plans kept in the weave cache (weft go in process, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let first = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-planstore-'));
  const weftCache = join(out, 'weft-cache');
  /** The first build's output for `app x`. */
  let expected = { stdout: '', stderr: '' };
  /** The first build's log (debug). */
  let firstLog = '';

  /** A copy of the first checkout at a new path, times reset to `when` (a restore). */
  function restore(name: string, when = new Date(Date.now() - 30_000)): string {
    const dir = join(out, name, 'checkout');
    cpSync(first, dir, { recursive: true });
    resetTimes(dir, when);
    return dir;
  }

  /** A copy of the weft cache as the first build left it: a test that stores another plan under the first build's key keeps it to itself. */
  function privateCache(name: string): NodeJS.ProcessEnv {
    const dir = join(out, name, 'weft-cache');
    cpSync(weftCache, dir, { recursive: true });
    return { WEFT_CACHE: dir };
  }

  async function build(cwd: string, bin: string, extra: NodeJS.ProcessEnv = {}, args: string[] = []) {
    const r = await runWeftGo(['build', ...args, '-o', join(out, 'bin', bin), './cmd/app'], { cwd, env: { ...env, ...extra } });
    assert.equal(r.code, 0, r.stderr);
    return { ...r, stats: r.stats as PlanStats };
  }

  async function runApp(bin: string) {
    const r = await run(join(out, 'bin', bin), ['x'], { cwd: out, env });
    assert.equal(r.code, 0, r.stderr);
    return { stdout: r.stdout, stderr: r.stderr };
  }

  before(async () => {
    first = join(out, 'first', 'checkout');
    const fixture = copyFixture('pipeline');
    cpSync(fixture, first, { recursive: true });
    rmSync(fixture, { recursive: true, force: true });
    ({ env, cleanup } = makeTestEnv('planstore'));
    delete env['WEFT_PLAN_CACHE'];
    // CI's shape: no daemon, -trimpath (without it plain go itself recompiles a moved checkout).
    env = { ...env, CI: 'true', WEFT_DAEMON: 'off', GOFLAGS: '-trimpath', WEFT_CACHE: weftCache };
    writeFileSync(join(first, 'weft.yml'), helloAspect());
    resetTimes(first, new Date(Date.now() - 60_000));
    const shim = await runWeft(['toolexec-path'], { cwd: first, env });
    assert.equal(shim.code, 0, shim.stderr);
    const b = await build(first, 'first', { WEFT_LOG: 'debug' });
    firstLog = b.stderr;
    assert.equal(b.stats.planReuse, 'made');
    assert.deepEqual(b.stats.planStore && [b.stats.planStore.found, b.stats.planStore.stored], [false, true], JSON.stringify(b.stats.planStore));
    assert.equal(b.stats.mode?.name, 'overlay');
    expected = await runApp('first');
    assert.match(expected.stderr, /weft: entering Hello/);
    assert.match(expected.stdout, /^hello, x$/m);
  });

  after(() => {
    cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  it('a build in a checkout restored at another path, times reset, uses the plan: no go list, nothing woven anew, the same binary', async () => {
    const dir = restore('restored');
    const b = await build(dir, 'restored', { WEFT_LOG: 'debug' }, ['-x']);
    assert.equal(b.stats.planReuse, 'reused', `${JSON.stringify(b.stats.planStore)}\nfirst build:\n${firstLog}\nthis build:\n${b.stderr.split('\n').filter((l) => l.startsWith('weft')).join('\n')}`);
    assert.equal(b.stats.planStore?.found, true);
    assert.equal(b.stats.plan?.goListRuns, 0);
    assert.equal(b.stats.processes['go list'], undefined, JSON.stringify(b.stats.processes));
    assert.deepEqual([b.stats.plan?.filesScanned, b.stats.plan?.filesParsed], [0, 0], 'nothing screened');
    assert.equal(b.stats.cache?.localMisses ?? 0, 0, 'nothing woven anew');
    assert.equal(b.stats.cache?.stored ?? 0, 0);
    assert.equal(b.stats.mode?.name, 'overlay');
    // go compiles again only the woven package (its overlaid file's //line directives name this
    // checkout, so its key is new) and what imports it; the rest is plain go's, found in GOCACHE.
    const again = compiled(b.stderr);
    assert.ok(again.every((p) => p === 'example.com/pipeline/internal/greet' || p === 'main'), again.join(' '));
    assert.deepEqual(await runApp('restored'), expected);
    assert.doesNotMatch(JSON.stringify(b.stats), new RegExp(join(out, 'first').replaceAll('/', '\\/')), 'nothing names the first checkout');
  });

  it('go.mod changed between the builds: a new plan', async () => {
    const dir = restore('gomod');
    writeFileSync(join(dir, 'go.mod'), readFileSync(join(dir, 'go.mod'), 'utf8') + '\n// changed\n');
    const b = await build(dir, 'gomod', privateCache('gomod'));
    assert.equal(b.stats.planReuse, 'replanned');
    assert.match(b.stats.planStore?.why ?? '', /go\.mod changed/);
    assert.equal(b.stats.plan?.goListRuns, 1);
    assert.deepEqual(await runApp('gomod'), expected);
  });

  it('a file changed in content only: its package is screened again, and re-woven when an aspect matches it', async () => {
    const dir = restore('edited');
    const greet = join(dir, 'internal', 'greet', 'greet.go');
    writeFileSync(greet, readFileSync(greet, 'utf8').replace('"hello, "', '"howdy, "'));
    const strs = join(dir, 'internal', 'strs', 'strs.go');
    writeFileSync(strs, readFileSync(strs, 'utf8') + '\n// an edit no aspect matches\n');
    const cache = privateCache('edited');
    const b = await build(dir, 'edited', cache);
    assert.equal(b.stats.planReuse, 'rescreened', JSON.stringify(b.stats.planStore));
    assert.equal(b.stats.plan?.goListRuns, 0);
    assert.equal(b.stats.plan?.candidates, 2, 'greet and strs screened again');
    assert.equal(b.stats.cache?.localMisses, 1, 'greet woven anew');
    const app = await runApp('edited');
    assert.match(app.stdout, /^howdy, x$/m, 'the binary has the edit');
    assert.match(app.stderr, /weft: entering Hello/, 'and the edited package is woven');
    // The re-screened plan was stored: the same checkout builds again with it as it is.
    const again = await build(dir, 'edited2', cache);
    assert.equal(again.stats.planReuse, 'reused');
    assert.deepEqual(await runApp('edited2'), app);
  });

  it('a file saved while an in-process build plans: the plan is not kept as if it had seen it, and the next build has the edit', async () => {
    const dir = restore('raced');
    const gate = join(out, 'raced', 'gate');
    const greet = join(dir, 'internal', 'greet', 'greet.go');
    // WEFT_TEST_PAUSE_IN_PLAN is part of the plan's key: this build plans, as does the next.
    const building = runWeftGo(['build', '-o', join(out, 'bin', 'raced-1'), './cmd/app'], { cwd: dir, env: { ...env, WEFT_TEST_PAUSE_IN_PLAN: gate } });
    assert.ok(await waitUntil(() => existsSync(`${gate}.reached`), 120_000), 'the plan reached the gate');
    writeFileSync(greet, readFileSync(greet, 'utf8').replace('"hello, "', '"raced, "'));
    writeFileSync(gate, '');
    const raced = await building;
    if (raced.code === 0) assert.match((await runApp('raced-1')).stdout, /^raced, x$/m, 'a build that succeeds has the edit');
    else assert.match(raced.stderr, /internal\/greet changed during the build/, raced.stderr);
    const next = await build(dir, 'raced-2', { WEFT_TEST_PAUSE_IN_PLAN: gate });
    assert.match((await runApp('raced-2')).stdout, /^raced, x$/m, `the next build has the edit (plan ${next.stats.planReuse})`);
  });

  it('a stored plan cut short or altered is ignored with a warning, and the build is right', async () => {
    const dir = restore('corrupt');
    // A command line of its own (a key of its own), listing the same packages.
    const tags = ['-tags=planstore'];
    const known = new Set(storedPlans(weftCache));
    const before = await build(dir, 'corrupt-0', {}, tags);
    assert.equal(before.stats.planReuse, 'made');
    const files = storedPlans(weftCache).filter((f) => !known.has(f));
    assert.equal(files.length, 1, `the plan of this key is stored: ${files.join(' ')}`);
    const file = files[0]!;
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    const cut = await build(dir, 'corrupt-1', {}, tags);
    assert.match(cut.stderr, /stored plan .* cannot be used \(truncated/);
    assert.equal(cut.stats.planStore?.corrupt, 1);
    assert.equal(cut.stats.planReuse, 'made');
    assert.deepEqual(await runApp('corrupt-1'), expected);
    // Stored again, whole; now one byte of the body changed (the length holds, the checksum does not).
    const bytes = readFileSync(file);
    const at = bytes.indexOf('hello, ');
    assert.ok(at > 0, 'the stored plan holds the woven greet');
    bytes[at] = 'j'.charCodeAt(0);
    writeFileSync(file, bytes);
    const altered = await build(dir, 'corrupt-2', {}, tags);
    assert.match(altered.stderr, /stored plan .* cannot be used \(checksum mismatch/);
    assert.equal(altered.stats.planReuse, 'made');
    assert.deepEqual(await runApp('corrupt-2'), expected);
    const after = await build(dir, 'corrupt-3', {}, tags);
    assert.equal(after.stats.planReuse, 'reused', 'the plan stored again is used');
  });

  it('two builds storing plans in one weft cache at once leave it readable: a third build uses the plan', async () => {
    const shared = join(out, 'shared-cache');
    // The shim is built first, so that both builds start planning at once.
    const shim = await runWeft(['toolexec-path'], { cwd: first, env: { ...env, WEFT_CACHE: shared } });
    assert.equal(shim.code, 0, shim.stderr);
    const a = restore('concurrent-a');
    const b = restore('concurrent-b');
    const both = await Promise.all([
      build(a, 'concurrent-a', { WEFT_CACHE: shared }),
      build(b, 'concurrent-b', { WEFT_CACHE: shared }),
    ]);
    // Each stored the plan it made, or used one the other had stored already.
    for (const x of both) assert.ok(x.stats.planStore?.stored === true || x.stats.planReuse === 'reused', JSON.stringify([x.stats.planReuse, x.stats.planStore]));
    assert.ok(both.some((x) => x.stats.planStore?.stored === true));
    const third = await build(restore('concurrent-c'), 'concurrent-c', { WEFT_CACHE: shared });
    assert.equal(third.stats.planReuse, 'reused');
    assert.equal(third.stats.planStore?.corrupt, 0);
    for (const bin of ['concurrent-a', 'concurrent-b', 'concurrent-c']) assert.deepEqual(await runApp(bin), expected);
  });

  it('WEFT_PLAN_CACHE=off plans from nothing and keeps nothing', async () => {
    const dir = restore('off');
    const b = await build(dir, 'off', { WEFT_PLAN_CACHE: 'off' });
    assert.equal(b.stats.planReuse, 'made');
    assert.equal(b.stats.planStore, null);
    assert.equal(b.stats.plan?.goListRuns, 1);
  });
});
