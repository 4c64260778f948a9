// `weft prepare` on the injection fixture: it compiles the runtime packages the aspects inject
// into GOCACHE through weft (the debug log shows their compile requests), so the first real
// build afterwards sends none for them, and still injects them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeft } from './helpers.js';

describe('weft prepare', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let app = '';
  let logs = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    root = copyFixture('inject');
    app = join(root, 'app');
    logs = mkdtempSync(join(tmpdir(), 'weft-e2e-prepare-logs-'));
    // A cold GOCACHE of its own: the test shows that prepare, not another file's build, warmed it.
    ({ env, cleanup } = makeTestEnv('prepare', { privateGocache: true }));
    // The debug log shows compiles that reach the server: in toolexec mode, every one.
    env = { ...env, WEFT_MODE: 'toolexec' };
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
    rmSync(logs, { recursive: true, force: true });
  });

  const compiled = (log: string, pkg: string): boolean => new RegExp(`compile ${pkg.replace(/[./]/g, '\\$&')}( |$)`, 'm').test(log);

  it('warms GOCACHE for the injected runtime: the next build compiles none of it', async () => {
    const prepLog = join(logs, 'prepare.log');
    const p = await runWeft(['prepare'], { cwd: app, env: { ...env, WEFT_LOG: 'debug', WEFT_LOG_FILE: prepLog }, timeoutMs: 300_000 });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /^weft prepare: shim .*weft-shim$/m);
    const oracle = /^weft prepare: type oracle (.*weft-oracle)$/m.exec(p.stderr);
    assert.ok(oracle !== null && existsSync(oracle[1]!), `prepare built the type oracle:\n${p.stderr}`);
    assert.match(p.stderr, /^weft prepare: GOCACHE warmed for .*example\.com\/rt.*: \d+ packages compiled/m);
    const before = readFileSync(prepLog, 'utf8');
    assert.ok(compiled(before, 'example.com/rt'), 'prepare compiled the runtime through weft');

    const buildLog = join(logs, 'build.log');
    const b = await runWeft(['go', 'build', '-o', join(logs, 'app'), './cmd/app'], { cwd: app, env: { ...env, WEFT_LOG: 'debug', WEFT_LOG_FILE: buildLog }, timeoutMs: 300_000 });
    assert.equal(b.code, 0, b.stderr);
    const log = readFileSync(buildLog, 'utf8');
    assert.ok(compiled(log, 'example.com/app/greet'), `the build itself ran through weft:\n${log}`);
    for (const pkg of ['example.com/rt', 'example.com/rt/hook', 'fmt', 'strings', 'sync']) assert.ok(!compiled(log, pkg), `${pkg} came from GOCACHE`);
    assert.ok(existsSync(join(logs, 'app')));
    // Still instrumented: the runtime records the woven calls.
    const out = await run(join(logs, 'app'), [], { cwd: app, env });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout + out.stderr, /greet\.Shout/);
  });

  it('without aspects that inject: says so and compiles nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'weft-e2e-prepare-empty-'));
    try {
      const r = await runWeft(['prepare'], { cwd: empty, env: { ...env, WEFT_CONFIG: '' } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /no configuration found; nothing to compile/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
