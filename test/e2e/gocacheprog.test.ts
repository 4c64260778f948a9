// weft under a GOCACHEPROG build cache (Go ≥ 1.24): a small standard-library helper
// (fixtures/cacheprog) keeps go's cache in a directory. The woven binary must be right, a plain
// build sharing that cache must not be handed woven objects, and a second weft build is served
// from it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo } from './helpers.js';

function goMinor(): number {
  const v = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
  const m = /^go1\.(\d+)/.exec(v);
  return m !== null ? Number(m[1]) : 0;
}

const skip = !hasGo ? 'go is not installed' : goMinor() < 24 ? 'GOCACHEPROG needs Go 1.24 or later' : false;

describe('GOCACHEPROG build cache', { skip }, () => {
  let scratch = '';
  let app = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'weft-e2e-cacheprog-'));
    app = copyFixture('cache');
    ({ env, cleanup } = makeTestEnv('cacheprog'));
    const prog = copyFixture('cacheprog');
    const b = spawnSync('go', ['build', '-o', join(scratch, 'cacheprog'), '.'], { cwd: prog, env, encoding: 'utf8' });
    rmSync(prog, { recursive: true, force: true });
    assert.equal(b.status, 0, b.stderr);
  });
  after(() => {
    cleanup();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(app, { recursive: true, force: true });
  });

  it('woven binary right, a plain build on the same cache gets plain objects, a second weft build is cached', async () => {
    const cacheprogEnv = (n: string): NodeJS.ProcessEnv => ({ ...env, GOCACHEPROG: `${join(scratch, 'cacheprog')} ${join(scratch, 'shared-cache')}`, GOCACHE: join(scratch, `gocache-${n}`), WEFT_CACHE: join(scratch, 'weft-cache') });
    const woven = await runWeftGo(['build', '-o', join(scratch, 'woven'), './cmd/app'], { cwd: app, env: cacheprogEnv('1'), timeoutMs: 600_000 });
    assert.equal(woven.code, 0, woven.stderr);
    const w = await run(join(scratch, 'woven'), [], { cwd: scratch, env });
    assert.deepEqual([w.stdout, w.stderr], ['HI! 4\n', 'weft: main\nweft: Shout\nweft: Double\n']);

    const plain = spawnSync('go', ['build', '-o', join(scratch, 'plain'), './cmd/app'], { cwd: app, env: cacheprogEnv('2'), encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    const p = await run(join(scratch, 'plain'), [], { cwd: scratch, env });
    assert.deepEqual([p.stdout, p.stderr], ['HI! 4\n', ''], 'no woven object reached the plain build');

    const again = await runWeftGo(['build', '-o', join(scratch, 'again'), './cmd/app'], { cwd: app, env: cacheprogEnv('3'), timeoutMs: 600_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stats.compileRequests, 0, 'every compile came from the GOCACHEPROG cache');
    const a = await run(join(scratch, 'again'), [], { cwd: scratch, env });
    assert.deepEqual([a.stdout, a.stderr], ['HI! 4\n', 'weft: main\nweft: Shout\nweft: Double\n']);
  });
});
