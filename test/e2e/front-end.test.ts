// `weft go` through bin/weft (the sh launcher) and the Go front end, with the real daemon and the
// real go on a copy of the pipeline fixture: the first build finds no daemon and hands over to
// Node, which starts one; the next build is served warm without starting Node at all (a `node`
// on PATH that fails proves it), and the binary it produced runs woven; a wedged daemon costs one
// warning and an in-process build. The daemons live in a runtime directory of this file's own.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backdate, copyFixture, hasGo, helloAspect, makeTestEnv, repoRoot, run, runWeft, type RunResult, type DaemonStats } from './helpers.js';

const launcher = join(repoRoot, 'bin', 'weft');

describe('bin/weft go through the Go front end and the warm daemon (real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-front-'));
  let n = 0;

  async function build(extra: NodeJS.ProcessEnv = {}): Promise<RunResult & { stats: DaemonStats; exe: string }> {
    const exe = join(tmp, `app${n}`);
    const statsFile = join(tmp, `stats${n++}.json`);
    const r = await run(launcher, ['go', 'build', '-o', exe, './cmd/app'], { cwd: mod, env: { ...env, ...extra, WEFT_STATS_JSON: statsFile } });
    assert.equal(r.code, 0, r.stderr);
    return { ...r, stats: JSON.parse(readFileSync(statsFile, 'utf8')) as DaemonStats, exe };
  }

  async function hellos(exe: string): Promise<number> {
    const r = await run(exe, [], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    return r.stderr.match(/weft: entering Hello/g)?.length ?? 0;
  }

  async function daemons(): Promise<Array<{ pid: number; builds: number }>> {
    const r = await runWeft(['daemon', 'status', '--json'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Array<{ pid: number; builds: number }>;
  }

  before(async () => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('front-end', { daemon: true }));
    const runtime = join(tmp, 'run');
    mkdirSync(runtime);
    chmodSync(runtime, 0o700);
    env = { ...env, XDG_RUNTIME_DIR: runtime, WEFT_DAEMON_IDLE: '5m', CI: '' };
    writeFileSync(join(mod, 'weft.yml'), helloAspect({ importPath: null }));
    backdate(mod);
    // Builds the shim and writes the front-end pointer bin/weft reads.
    const shim = await runWeft(['toolexec-path'], { cwd: mod, env });
    assert.equal(shim.code, 0, shim.stderr);
  });

  after(async () => {
    await runWeft(['daemon', 'stop', '--all'], { cwd: mod, env }).catch(() => undefined);
    for (const d of await daemons().catch(() => [])) process.kill(d.pid, 'SIGKILL');
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the first build starts the daemon through Node; the next is served warm with no Node started', async () => {
    const first = await build();
    assert.deepEqual(first.stats.daemon, { warm: false, planReused: false });
    assert.equal(await hellos(first.exe), 1);
    assert.equal((await daemons()).length, 1);

    // A `node` first on PATH that fails: the warm path must not start one.
    const poisoned = join(tmp, 'poisoned-bin');
    mkdirSync(poisoned);
    writeFileSync(join(poisoned, 'node'), '#!/bin/sh\necho "node was started: $*" >&2\nexit 99\n');
    chmodSync(join(poisoned, 'node'), 0o755);
    const second = await build({ PATH: `${poisoned}:${env['PATH'] ?? ''}` });
    assert.deepEqual(second.stats.daemon, { warm: true, planReused: true });
    assert.equal(second.stderr, '', 'a warm build prints nothing of its own');
    assert.equal(await hellos(second.exe), 1, 'the binary built through the Go front end is woven');

    // Figures, not assertions (a loaded machine says nothing about either): the best of three
    // warm builds each way, alternating, in the same environment.
    const same = { cwd: mod, env: { ...env, WEFT_STATS_JSON: join(tmp, 'timing.json') } };
    const args = ['go', 'build', '-o', join(tmp, 'app-timing'), './cmd/app'];
    const front: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (const [times, cmd, argv] of [[front, launcher, args], [node, process.execPath, [join(repoRoot, 'bin', 'weft.js'), ...args]]] as const) {
        const r = await run(cmd, argv, same);
        assert.equal(r.code, 0, r.stderr);
        times.push(r.ms);
      }
    }
    process.stderr.write(`# warm no-op build wall, best of 3: bin/weft (Go front end) ${Math.min(...front)} ms, node bin/weft.js (Node client) ${Math.min(...node)} ms\n`);
  });

  it('a wedged daemon costs one warning and an in-process build', async () => {
    const [d] = await daemons();
    assert.ok(d !== undefined);
    process.kill(d.pid, 'SIGSTOP');
    try {
      const r = await build({ WEFT_DAEMON_TIMEOUT: '1s' });
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('weft: '));
      assert.equal(warnings.length, 1, r.stderr);
      assert.match(warnings[0]!, /^weft: the daemon for .* did not answer \(no answer within 1s\); building without it$/);
      assert.equal(r.stats.daemon, null, 'built in-process');
      assert.equal(await hellos(r.exe), 1);
    } finally {
      process.kill(d.pid, 'SIGCONT');
    }
  });
});
