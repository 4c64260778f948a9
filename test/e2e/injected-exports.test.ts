// A planned build with stored plans (CI: no daemon, plans kept in the weave cache) keeps the
// archives of the packages woven code injects beside its plan, and the next build of the same
// plan takes them from GOCACHE instead of running `go list -export` before go. Never at the cost
// of a right binary: an injected package edited means a new run (and the binary shows the edit);
// an archive gone from GOCACHE (a trimmed cache) means a new run too.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalStore } from '../../src/cache/store.js';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo, type StatsJson } from './helpers.js';

const EXPECTED = 'hello\nGET example.invalid\nrt: recorded [civis sinkhook net/http.NewRequestWithContext greet.Hello]\n';

type Stats = StatsJson & { injectedPrebuild: 'built' | 'kept' | null; planReuse: string | null };

/** The kept entries of injected archives in a weft cache: key → import path → path under GOCACHE. */
function keptEntries(weftCache: string): Map<string, Map<string, string>> {
  const dir = join(weftCache, 'weave');
  const store = new LocalStore(dir);
  const out = new Map<string, Map<string, string>>();
  const base = join(dir, 'v1');
  if (!existsSync(base)) return out;
  for (const shard of readdirSync(base)) {
    for (const name of readdirSync(join(base, shard))) {
      if (!name.startsWith('inject-')) continue;
      const r = store.read(name);
      if (r.kind !== 'hit') continue;
      const entry = JSON.parse(r.body.toString('utf8')) as { exports: [string, string][] };
      out.set(name, new Map(entry.exports));
    }
  }
  return out;
}

describe('the injected packages\' archives kept beside a stored plan (planned build, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const work = mkdtempSync(join(tmpdir(), 'weft-e2e-injexports-'));
  const weftCache = join(work, 'weft-cache');
  const bin = join(work, 'app');

  async function build(): Promise<Stats> {
    const r = await runWeftGo(['build', '-o', bin, './cmd/app'], { cwd: join(root, 'app'), env, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = await run(bin, [], { cwd: work, env });
    assert.equal(out.code, 0, out.stderr);
    return Object.assign(r.stats as Stats, { appOut: out.stdout });
  }

  before(() => {
    root = copyFixture('inject-unused');
    ({ env, cleanup } = makeTestEnv('injexports', { privateGocache: true }));
    delete env['WEFT_PLAN_CACHE'];
    env = { ...env, CI: 'true', WEFT_DAEMON: 'off', WEFT_MODE: 'planned', GOFLAGS: '-trimpath', WEFT_CACHE: weftCache };
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('the second build of a plan runs no go list -export: the archives come from GOCACHE, the binary is the same', async () => {
    const first = await build();
    assert.equal(first.mode?.name, 'planned');
    assert.equal(first.injectedPrebuild, 'built');
    assert.equal((first as unknown as { appOut: string }).appOut, EXPECTED);
    assert.equal(keptEntries(weftCache).size, 1);
    const second = await build();
    assert.equal(second.planReuse, 'reused');
    assert.equal(second.injectedPrebuild, 'kept');
    // The configuration's injectables are listed (the -V=full fingerprint); nothing else runs.
    assert.equal(second.processes['go list'], 1, JSON.stringify(second.processes));
    assert.equal((second as unknown as { appOut: string }).appOut, EXPECTED);
  });

  it('an injected package edited: its archives are built again, and the binary has the edit', async () => {
    const file = join(root, 'rt', 'rt.go');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"rt: recorded [%s]\\n"', '"rt (edited): recorded [%s]\\n"'));
    const b = await build();
    assert.equal(b.injectedPrebuild, 'built');
    assert.equal((b as unknown as { appOut: string }).appOut, EXPECTED.replace('rt: recorded', 'rt (edited): recorded'));
  });

  it('an archive gone from GOCACHE (a trimmed cache): built again, and the binary is right', async () => {
    const kept = keptEntries(weftCache);
    const gocache = env['GOCACHE']!;
    let removed = 0;
    for (const exports of kept.values()) {
      const rel = exports.get('example.com/rt');
      if (rel !== undefined && existsSync(join(gocache, rel))) {
        rmSync(join(gocache, rel));
        removed++;
      }
    }
    assert.ok(removed > 0, 'the kept entry names rt\'s archive');
    const b = await build();
    assert.equal(b.injectedPrebuild, 'built');
    assert.equal((b as unknown as { appOut: string }).appOut, EXPECTED.replace('rt: recorded', 'rt (edited): recorded'));
    const again = await build();
    assert.equal(again.injectedPrebuild, 'kept');
    assert.equal((again as unknown as { appOut: string }).appOut, EXPECTED.replace('rt: recorded', 'rt (edited): recorded'));
  });
});
