// The weave cache end to end (real go, real builds): a build after wiping GOCACHE weaves nothing
// and gives the same binary behaviour; another checkout directory gets hits that name its own
// files; editing one file reweaves only its package; concurrent builds share one cache; a
// corrupt entry is rewoven; a read-only or full cache directory costs a warning, never the build.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo } from './helpers.js';

interface CacheStats {
  weave: { packages: number; filesParsed: number; filesWoven: number };
  cache: { localHits: number; localMisses: number; remoteHits: number; remoteMisses: number; stored: number; corrupt: number } | null;
}

const OUT = 'HI! 4\n';
const TRACE = 'weft: main\nweft: Shout\nweft: Double\n';
/** Woven candidates of the fixture: a, b, d (candidate, nothing matches: a negative entry), the command. */
const CANDIDATES = 4;

describe('weave cache (weft go, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let scratch = '';
  let checkout = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let n = 0;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'weft-e2e-cache-'));
    checkout = copyFixture('cache');
    ({ env, cleanup } = makeTestEnv('cache'));
  });
  after(() => {
    cleanup();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(checkout, { recursive: true, force: true });
  });

  /**
   * A build with a fresh GOCACHE (the point of the weave cache) and the given weft cache dir.
   * In toolexec mode, where every compile asks the cache once, unless `extra` says otherwise.
   */
  async function build(dir: string, weftCache: string, extra: NodeJS.ProcessEnv = {}, args: string[] = []) {
    const exe = join(scratch, `app-${n}`);
    const gocache = join(scratch, `gocache-${n++}`);
    const r = await runWeftGo(['build', ...args, '-o', exe, './cmd/app'], { cwd: dir, env: { ...env, GOCACHE: gocache, WEFT_CACHE: weftCache, WEFT_MODE: 'toolexec', ...extra }, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stats.mode?.name, extra['WEFT_MODE'] ?? 'toolexec');
    rmSync(gocache, { recursive: true, force: true });
    return { ...r, exe, stats: r.stats as unknown as CacheStats };
  }

  async function runApp(exe: string, args: string[] = []) {
    return run(exe, args, { cwd: scratch, env });
  }

  it('wipe GOCACHE, build again: nothing is woven, the binary behaves the same; another checkout gets hits naming its own files', async () => {
    const wc = join(scratch, 'wc-main');
    const first = await build(checkout, wc);
    assert.deepEqual(first.stats.cache && { hits: first.stats.cache.localHits, misses: first.stats.cache.localMisses, stored: first.stats.cache.stored }, { hits: 0, misses: CANDIDATES, stored: CANDIDATES });
    assert.ok(first.stats.weave.filesWoven >= 3, JSON.stringify(first.stats.weave));
    const r1 = await runApp(first.exe);
    assert.deepEqual([r1.stdout, r1.stderr], [OUT, TRACE]);
    assert.equal(statSync(join(wc, 'weave')).mode & 0o777, 0o700);

    const second = await build(checkout, wc);
    assert.equal(second.stats.cache?.localHits, CANDIDATES);
    assert.equal(second.stats.cache?.localMisses, 0);
    assert.equal(second.stats.weave.filesParsed, 0, 'nothing parsed');
    assert.equal(second.stats.weave.filesWoven, 0, 'nothing woven');
    const r2 = await runApp(second.exe);
    assert.deepEqual([r2.stdout, r2.stderr], [OUT, TRACE]);

    // Another checkout directory: the hit must point at ITS files (panics, errors, debuggers).
    const other = join(scratch, 'elsewhere', 'checkout');
    cpSync(checkout, other, { recursive: true });
    const third = await build(other, wc);
    assert.equal(third.stats.cache?.localHits, CANDIDATES);
    const boom = await runApp(third.exe, ['panic']);
    assert.notEqual(boom.code, 0);
    assert.match(boom.stderr, /^weft: main\nweft: Boom\npanic: assignment to entry in nil map/);
    assert.ok(boom.stderr.includes(`${join(other, 'a', 'a.go')}:11`), boom.stderr);
    assert.ok(!boom.stderr.includes(checkout), `no path of the first checkout:\n${boom.stderr}`);

    // -trimpath: the relocated //line paths are trimmed like the compile's own.
    const trimmed = await build(other, wc, {}, ['-trimpath']);
    assert.equal(trimmed.stats.cache?.localHits, CANDIDATES);
    const tb = await runApp(trimmed.exe, ['panic']);
    assert.match(tb.stderr, /\texample\.com\/cached\/a\/a\.go:11\n/);
    assert.ok(!tb.stderr.includes(other), tb.stderr);
  });

  it('planned: the plan weaves each candidate once and every woven compile is served from the cache', async () => {
    const wc = join(scratch, 'wc-planned');
    const first = await build(checkout, wc, { WEFT_MODE: 'planned' });
    const plan = first.stats as unknown as { plan: { woven: number; candidates: number }; cache: { localHits: number; localMisses: number; stored: number } };
    assert.equal(plan.plan.candidates, CANDIDATES);
    assert.equal(plan.plan.woven, CANDIDATES - 1, 'd is a candidate with nothing to weave: unmarked');
    assert.deepEqual({ hits: plan.cache.localHits, misses: plan.cache.localMisses, stored: plan.cache.stored }, { hits: CANDIDATES - 1, misses: CANDIDATES, stored: CANDIDATES });
    assert.deepEqual([(await runApp(first.exe)).stdout, (await runApp(first.exe)).stderr], [OUT, TRACE]);
    const second = await build(checkout, wc, { WEFT_MODE: 'planned' });
    assert.equal(second.stats.weave.filesParsed, 0, 'nothing parsed');
    assert.equal(second.stats.cache?.localMisses, 0);
  });

  it('changing one file of one woven package reweaves only that package', async () => {
    const wc = join(scratch, 'wc-edit');
    const dir = join(scratch, 'edit');
    cpSync(checkout, dir, { recursive: true });
    await build(dir, wc);
    writeFileSync(join(dir, 'b', 'b.go'), readFileSync(join(dir, 'b', 'b.go'), 'utf8').replace('"!"', '"!!"'));
    const again = await build(dir, wc);
    assert.equal(again.stats.cache?.localMisses, 1, 'only b');
    assert.equal(again.stats.cache?.localHits, CANDIDATES - 1);
    assert.equal(again.stats.weave.filesParsed, 1);
    assert.equal((await runApp(again.exe)).stdout, 'HI!! 4\n');
  });

  it('two builds at once on one cache both succeed; a later build hits everything', async () => {
    const wc = join(scratch, 'wc-concurrent');
    const [x, y] = await Promise.all([build(checkout, wc), build(checkout, wc)]);
    for (const b of [x, y]) assert.deepEqual([(await runApp(b.exe)).stdout, (await runApp(b.exe)).stderr], [OUT, TRACE]);
    const z = await build(checkout, wc);
    assert.equal(z.stats.cache?.localHits, CANDIDATES);
    assert.deepEqual(readdirSync(join(wc, 'weave', 'v1')).flatMap((s) => readdirSync(join(wc, 'weave', 'v1', s))).filter((f) => f.startsWith('.tmp')), []);
  });

  it('an entry corrupted by hand is discarded with a debug line and rewoven', async () => {
    const wc = join(scratch, 'wc-corrupt');
    await build(checkout, wc);
    const v1 = join(wc, 'weave', 'v1');
    const entries = readdirSync(v1).flatMap((s) => readdirSync(join(v1, s)).map((f) => join(v1, s, f)));
    assert.equal(entries.length, CANDIDATES);
    // The largest entry is a woven package (not a negative one): flip a byte in its body.
    const victim = entries.sort((p, q) => statSync(q).size - statSync(p).size)[0]!;
    const bytes = readFileSync(victim);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0x20;
    writeFileSync(victim, bytes);
    const log = join(scratch, 'corrupt.log');
    const r = await build(checkout, wc, { WEFT_LOG: 'debug', WEFT_LOG_FILE: log });
    assert.equal(r.stats.cache?.corrupt, 1);
    assert.equal(r.stats.cache?.localHits, CANDIDATES - 1);
    assert.match(readFileSync(log, 'utf8'), /weave cache: entry [0-9a-f]{64} is corrupt \(checksum mismatch\); discarded, weaving again/);
    assert.deepEqual([(await runApp(r.exe)).stdout, (await runApp(r.exe)).stderr], [OUT, TRACE]);
  });

  const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it('a read-only or full cache directory: the build succeeds with one warning', { skip: !canMount && 'needs root and mount for a read-only / tiny tmpfs' }, async (t) => {
    for (const [what, opts, pattern] of [
      ['read-only', 'ro,size=1m', /EROFS|read-only file system/],
      ['full', 'size=4k', /ENOSPC|no space left/],
    ] as const) {
      const wc = join(scratch, `wc-${what}`);
      const mnt = join(wc, 'weave');
      mkdirSync(mnt, { recursive: true });
      const m = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', mnt], { encoding: 'utf8' });
      if (m.status !== 0) {
        t.skip(`cannot mount a tmpfs: ${m.stderr.trim()}`);
        return;
      }
      try {
        if (what === 'full') writeFileSync(join(mnt, 'filler'), Buffer.alloc(4096, 1));
        const r = await build(checkout, wc);
        const warnings = r.stderr.split('\n').filter((l) => /cannot write the weave cache/.test(l));
        assert.equal(warnings.length, 1, r.stderr);
        assert.match(warnings[0]!, pattern);
        assert.equal(r.stats.cache?.stored, 0);
        assert.deepEqual([(await runApp(r.exe)).stdout, (await runApp(r.exe)).stderr], [OUT, TRACE]);
      } finally {
        spawnSync('umount', [mnt]);
      }
    }
  });

  it('--weft-cache=off and WEFT_WEAVE_CACHE=off weave without the cache', async () => {
    const wc = join(scratch, 'wc-off');
    const r = await build(checkout, wc, { WEFT_WEAVE_CACHE: 'off' });
    assert.equal(r.stats.cache, null);
    assert.ok(r.stats.weave.filesWoven >= 3);
    const exe = join(scratch, 'app-off');
    const f = await runWeftGo(['build', '--weft-cache=off', '-o', exe, './cmd/app'], { cwd: checkout, env: { ...env, WEFT_CACHE: wc }, timeoutMs: 600_000 });
    assert.equal(f.code, 0, f.stderr);
    assert.equal((f.stats as unknown as CacheStats).cache, null);
    assert.deepEqual(readdirSync(wc).filter((d) => d === 'weave'), []);
  });
});
