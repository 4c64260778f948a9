// The type oracle in real builds: a fixture using go.uber.org/zap (v1.27.0, from the module
// proxy) with an aspect of its own on `*go.uber.org/zap.Logger` Info/Error/With, where the
// logger comes from a field, a function result, another package and an alias. Those calls are
// woven, look-alike `Info(` calls on other types are not, zap and every other package build
// unchanged, and only the fixture's main package is type-checked. The oracle killed in the
// middle of a build fails that build with a clear error, without a hang; the next build works.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo } from './helpers.js';

interface TypeStats {
  woven: number;
  aspects: Record<string, number>;
  types: { packages: string[]; batches: number; oracleMicros: number };
}

describe('type oracle (real go, go.uber.org/zap)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    mod = copyFixture('zap');
    ({ env, cleanup } = makeTestEnv('oracle'));
    // zap is the one module this test may fetch (pinned in the fixture's go.mod and go.sum).
    env = { ...env, GOPROXY: process.env['GOPROXY'] || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=readonly' };
  });
  after(() => cleanup());

  it('the oracle killed in the middle of a build fails the build with a clear error, and does not hang', async () => {
    let killed = 0;
    const r = await runWeftGo(['build', '-o', 'app', '.'], {
      cwd: mod,
      env: { ...env, WEFT_LOG: 'debug' },
      timeoutMs: 600_000,
      onStderr: (chunk) => {
        const m = /type oracle started \(pid (\d+)/.exec(chunk);
        if (m !== null && killed === 0) {
          killed = Number(m[1]);
          process.kill(killed, 'SIGKILL');
        }
      },
    });
    assert.ok(killed > 0, `the oracle was started:\n${r.stderr.slice(-3000)}`);
    assert.equal(r.signal, null, 'weft exited by itself');
    assert.notEqual(r.code, 0, 'the build failed');
    assert.doesNotMatch(r.stderr, /^Node\.js v|unhandled/im, 'weft reported the error; it did not crash');
    assert.match(r.stderr, new RegExp(`the type oracle \\(pid ${killed}\\) was killed by SIGKILL while the build needed type information`));
  });

  it('a second build works: the zap calls are woven wherever the logger comes from, look-alikes and zap itself are not', async () => {
    const r = await runWeftGo(['build', '-o', 'app', '.'], { cwd: mod, env, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = await run(join(mod, 'app'), [], { cwd: mod, env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, [
      'woven call: Info', // s.log.Info: a field
      'woven call: Error', // newLogger().Error: a function result
      'woven call: Info', // logs.Default.With(...).Info: another package, the outer call first
      'woven call: With',
      'woven call: Info', // logs.New().Info: an alias of zap.Logger
      'look-alike info: not zap',
      'look-alike error: not zap either',
      'done',
      '',
    ].join('\n'));
    assert.match(out.stderr, /^plain: plain$/m, 'logs.Plain.Info is not woven');
    const stats = r.stats as unknown as TypeStats;
    // Only the main package is woven (zap, which calls its own Logger's methods, is outside the
    // aspect's package filter) and only it needed types.
    assert.deepEqual(stats.aspects, { 'zap-info-error': 1, 'zap-with': 1 });
    assert.equal(stats.woven, 1);
    assert.deepEqual(stats.types.packages, ['example.com/zapapp']);
    assert.equal(stats.types.batches, 1);
    assert.match(readFileSync(join(mod, 'go.mod'), 'utf8'), /go\.uber\.org\/zap v1\.27\.0/, 'go.mod untouched');
  });
});
