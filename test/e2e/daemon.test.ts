// The warm per-module daemon end to end (real go, a copy of the pipeline fixture): the first
// `weft go build` starts it, the next ones reuse it and its plan; edits are re-screened or
// re-planned as they must be, and an edit that makes a package match an aspect gets that package
// woven (the binary says so); a killed, stopped (wedged) or foreign daemon costs one warning or
// a replacement, never a failed build; two builds at once both work; an idle daemon leaves
// nothing behind; `weft daemon status|stop`. Every daemon lives in a runtime directory of this
// file's own and is stopped at the end.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFrame, envToList, FrameDecoder } from '../../src/protocol/index.js';
import { daemonIdentity } from '../../src/install/version.js';
import { daemonFiles, daemonKey } from '../../src/daemon/paths.js';
import { backdate, copyFixture, hasCommand, hasGo, renderScreen, helloAspect, makeTestEnv, run, runWeft, runWeftGo, waitUntil, weftBin, type DaemonStats } from './helpers.js';

const ENTERING = /weft: entering Hello/g;

describe('the warm daemon (weft go, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let runtime = '';
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-daemon-out-'));
  let n = 0;

  const weftDir = (): string => join(runtime, 'weft');
  const daemonFilesNow = (): string[] => (existsSync(weftDir()) ? readdirSync(weftDir()).filter((f) => f.startsWith('daemon-')) : []);

  async function build(extra: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string; stats: DaemonStats; exe: string }> {
    const exe = join(out, `app${n++}`);
    const r = await runWeftGo(['build', '-o', exe, './cmd/app'], { cwd: mod, env: { ...env, ...extra } });
    return { code: r.code, stderr: r.stderr, stats: r.stats as DaemonStats, exe };
  }

  /** The build's stderr and the end of the daemon's log, for an assertion that a daemon served. */
  function diagnostics(stderr: string): string {
    const log = daemonFiles(weftDir(), daemonKey(mod)).log;
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : '(none)';
    return `build stderr:\n${stderr}\ndaemon log ${log}:\n${tail}`;
  }

  async function hellos(exe: string): Promise<number> {
    const r = await run(exe, [], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    return r.stderr.match(ENTERING)?.length ?? 0;
  }

  async function status(): Promise<{ pid: number; builds: number; module: string; identity: string }[]> {
    const r = await runWeft(['daemon', 'status', '--json'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { pid: number; builds: number; module: string; identity: string }[];
  }

  async function stopAll(): Promise<void> {
    const r = await runWeft(['daemon', 'stop', '--all'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
  }

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  before(async () => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('daemon', { daemon: true }));
    runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-rt-'));
    chmodSync(runtime, 0o700);
    // No background refresh (it would race the edits below); the watch has a test of its own.
    env = { ...env, XDG_RUNTIME_DIR: runtime, WEFT_DAEMON_IDLE: '5m', WEFT_DAEMON_WATCH: 'off', CI: '' };
    // Every function named Hello, wherever it is: an edit can make another package match.
    writeFileSync(join(mod, 'weft.yml'), helloAspect({ importPath: null }));
    // Files written within the file system's time granularity of a check are compared by content
    // (plans) or not trusted at all (the configuration, go env): as in an edit loop, they are older.
    backdate(mod);
    const shim = await runWeft(['toolexec-path'], { cwd: mod, env });
    assert.equal(shim.code, 0, shim.stderr);
  });

  after(async () => {
    await stopAll().catch(() => undefined);
    // Daemons stopped in a test (SIGSTOP) are continued there; whatever is left goes now.
    for (const s of await status().catch(() => [])) process.kill(s.pid, 'SIGKILL');
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    rmSync(runtime, { recursive: true, force: true });
  });

  it('the first build starts the daemon, the second reuses it and its plan without go list or go env', async () => {
    const first = await build();
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.stats.daemon, { warm: false, planReused: false }, `served by the daemon it started; ${diagnostics(first.stderr)}`);
    assert.equal(first.stats.mode?.name, 'overlay', 'every Hello is in the main module: auto hands go an overlay');
    assert.equal(first.stats.processes['go list'], 1);
    assert.equal(await hellos(first.exe), 1);
    assert.ok(daemonFilesNow().some((f) => f.endsWith('.sock')), daemonFilesNow().join(' '));
    assert.ok(!daemonFilesNow().some((f) => f.endsWith('.lock')), 'the start lock is gone once the daemon listens');

    const second = await build();
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.stats.daemon, { warm: true, planReused: true }, diagnostics(second.stderr));
    assert.equal(second.stats.processes['go list'], undefined, JSON.stringify(second.stats.processes));
    assert.equal(second.stats.processes['go env'], undefined, JSON.stringify(second.stats.processes));
    assert.equal(second.stats.plan?.goListRuns, 0);
    assert.equal(second.stderr, '', 'a warm build prints nothing of its own');
    assert.equal(await hellos(second.exe), 1);
    const [s] = await status();
    assert.equal(s?.module, mod);
    assert.equal(s?.builds, 2);
  });

  it('on a terminal, a build the daemon serves draws the progress line it streams; go\'s output is whole', { skip: !hasCommand('script') && 'script(1) is not installed' }, async () => {
    // bin/weft, the sh launcher: the Go front end hands a build that wants a line to Node.
    const launcher = join(dirname(weftBin), 'weft');
    const statsFile = join(out, 'tty-stats.json');
    const exe = join(out, `app${n++}`);
    const cmd = `stty cols 200; ${launcher} go build -o ${exe} ./cmd/app && echo built-ok`;
    const r = await run('script', ['-qefc', cmd, '/dev/null'], { cwd: mod, env: { ...env, WEFT_STATS_JSON: statsFile } });
    assert.equal(r.code, 0, r.stdout);
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as DaemonStats;
    assert.equal(stats.daemon?.warm, true, `served by the warm daemon; ${diagnostics(r.stdout)}`);
    assert.match(r.stdout, /\r\x1b\[Kweft: go build \(overlay\) · \d+ packages planned, \d+ woven · \d+ files overlaid · \d+\.\d s/, r.stdout);
    const screen = renderScreen(r.stdout.replace(/\r\n/g, '\n')).filter((l) => l !== '');
    assert.deepEqual(screen, ['built-ok'], 'the line is cleared at the end');
    assert.equal(await hellos(exe), 1);
  });

  it("a build of another module sent to this module's daemon is handed back with a warning, not built with its plans", async () => {
    const other = mkdtempSync(join(tmpdir(), 'weft-e2e-daemon-other-'));
    writeFileSync(join(other, 'go.mod'), 'module example.com/other\n\ngo 1.23\n');
    try {
      const sock = daemonFiles(weftDir(), daemonKey(mod)).sock;
      const replies = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const got: Record<string, unknown>[] = [];
        const decoder = new FrameDecoder();
        const c = createConnection(sock, () => {
          c.write(encodeFrame({ t: 'build', identity: daemonIdentity(), cwd: other, args: ['build', '.'], env: envToList(env), stderrTTY: false, stdoutTTY: false }));
        });
        c.on('data', (chunk) => got.push(...(decoder.push(chunk) as Record<string, unknown>[])));
        // Without the guard the daemon would answer "run" and wait for this client's "done".
        setTimeout(() => c.destroy(), 30_000).unref();
        c.on('close', () => resolve(got));
        c.on('error', reject);
      });
      const last = replies.filter((r) => !(r['t'] === 'stderr' && r['text'] === '')).at(-1);
      assert.equal(last?.['t'], 'fallback', JSON.stringify(replies));
      assert.equal(last?.['warn'], true);
      assert.match(String(last?.['reason']), /got a build of .*weft-e2e-daemon-other-/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a function body edit re-screens that file; the woven package stays woven, with the edit', async () => {
    const greet = join(mod, 'internal', 'greet', 'greet.go');
    writeFileSync(greet, readFileSync(greet, 'utf8').replace('name = "nobody"', 'name = "nobody at all"'));
    const r = await build();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stats.daemon, { warm: true, planReused: 'rescreened' }, diagnostics(r.stderr));
    assert.equal(r.stats.processes['go list'], undefined);
    assert.equal(await hellos(r.exe), 1);
    // The kept plan's weave of greet is the edited file's: an overlay build hands go that weave.
    const ran = await run(r.exe, [' '], { cwd: mod, env });
    assert.match(ran.stdout + ran.stderr, /nobody at all/);
  });

  it('an added import plans again', async () => {
    const strs = join(mod, 'internal', 'strs', 'strs.go');
    writeFileSync(strs, readFileSync(strs, 'utf8').replace('import (', 'import (\n\t"os"') + '\nvar _ = os.Args\n');
    const r = await build();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stats.daemon, { warm: true, planReused: 'replanned' }, diagnostics(r.stderr));
    assert.equal(r.stats.processes['go list'], 1);
    assert.equal(await hellos(r.exe), 1);
  });

  it('a body edit that makes another package match an aspect gets that package woven', async () => {
    // No import changes: strs gains a Hello, main calls it (strs is imported already).
    appendFileSync(join(mod, 'internal', 'strs', 'strs.go'), '\nfunc Hello() string { return "strs" }\n');
    const main = join(mod, 'cmd', 'app', 'main.go');
    writeFileSync(main, readFileSync(main, 'utf8').replace('fmt.Println(greet.Hello(name))', 'fmt.Println(greet.Hello(name), strs.Hello())'));
    const r = await build();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stats.daemon, { warm: true, planReused: 'replanned' }, diagnostics(r.stderr));
    assert.equal(r.stats.plan?.woven, 2);
    assert.equal(await hellos(r.exe), 2, 'greet.Hello and strs.Hello both announce themselves');
  });

  it('with the watch on, an edit is planned in the background before the next build', async () => {
    await stopAll();
    await waitUntil(() => !daemonFilesNow().some((f) => f.endsWith('.sock')), 10_000);
    const watching = { WEFT_DAEMON_WATCH: 'on' };
    const first = await build(watching);
    assert.deepEqual(first.stats.daemon, { warm: false, planReused: false }, diagnostics(first.stderr));
    const log = join(weftDir(), daemonFilesNow().find((f) => f.endsWith('.log'))!);
    const refreshes = (): number => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('refreshed after a change')).length;
    const before = refreshes();
    const kv = join(mod, 'internal', 'kv', 'kv.go');
    writeFileSync(kv, `${readFileSync(kv, 'utf8')}\nfunc Hello() string { return "kv" }\n`);
    assert.ok(await waitUntil(() => refreshes() > before, 30_000), 'the daemon refreshed the plan on its own');
    const r = await build(watching);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stats.daemon, { warm: true, planReused: true }, `the plan was already current; ${diagnostics(r.stderr)}`);
    assert.equal(r.stats.processes['go list'], undefined);
    assert.equal(r.stats.plan?.woven, 3, 'kv.Hello is woven too');
    await stopAll();
    await waitUntil(() => !daemonFilesNow().some((f) => f.endsWith('.sock')), 10_000);
  });

  it('two builds at once in the same module (starting its daemon) both succeed with woven binaries', async () => {
    assert.deepEqual(daemonFilesNow().filter((f) => !f.endsWith('.log')), [], 'no daemon yet: both builds race to start it');
    const [a, b] = await Promise.all([build(), build()]);
    for (const r of [a, b]) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.notEqual(r.stats.daemon, null, `served by the daemon; ${diagnostics(r.stderr)}`);
      assert.equal(await hellos(r.exe), 2);
    }
    const daemons = await status();
    assert.equal(daemons.length, 1);
    assert.equal(daemons[0]?.builds, 2, 'one daemon served both');
    const [c, d] = await Promise.all([build(), build()]);
    for (const r of [c, d]) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stats.daemon?.warm, true, diagnostics(r.stderr));
      assert.equal(await hellos(r.exe), 2);
    }
  });

  it('a wedged daemon (SIGSTOP) costs one warning and an in-process build', async () => {
    const [s] = await status();
    assert.ok(s !== undefined);
    process.kill(s.pid, 'SIGSTOP');
    try {
      const r = await build({ WEFT_DAEMON_TIMEOUT: '2s' });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stats.daemon, null, 'built in-process');
      assert.equal(r.stderr.match(/weft: the daemon for .* did not answer \(no answer within 2 s\); building without it/g)?.length, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(await hellos(r.exe), 2);
    } finally {
      process.kill(s.pid, 'SIGCONT');
    }
    // Continued, the daemon serves again.
    const again = await build();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stats.daemon?.warm, true, diagnostics(again.stderr));
  });

  it('a daemon killed with SIGKILL while idle: one warning, an in-process build, then a new daemon', async () => {
    const [s] = await status();
    assert.ok(s !== undefined);
    process.kill(s.pid, 'SIGKILL');
    await waitUntil(() => !alive(s.pid), 5000);
    const r = await build();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stats.daemon, null);
    assert.equal(r.stderr.match(/did not answer .*building without it/g)?.length, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(await hellos(r.exe), 2);
    const next = await build();
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(next.stats.daemon, { warm: false, planReused: false }, diagnostics(next.stderr));
    assert.equal(next.stderr, '');
  });

  it('a daemon of another weft build is replaced without a warning', async () => {
    await stopAll();
    await waitUntil(() => !daemonFilesNow().some((f) => f.endsWith('.sock')), 10_000);
    const foreign = spawn(process.execPath, [weftBin, 'daemon', 'serve', '--module', mod], {
      env: { ...env, WEFT_TEST_DAEMON_IDENTITY: '0.0.0+elsewhere' }, stdio: 'ignore', detached: true,
    });
    foreign.unref();
    assert.ok(await waitUntil(() => daemonFilesNow().some((f) => f.endsWith('.sock')), 20_000), 'the foreign daemon listens');
    const [old] = await status();
    assert.equal(old?.identity, '0.0.0+elsewhere');
    const r = await build();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stats.daemon, { warm: false, planReused: false }, `served by a new daemon; ${diagnostics(r.stderr)}`);
    assert.equal(r.stderr, '');
    assert.ok(await waitUntil(() => !alive(old!.pid), 10_000), 'the foreign daemon exited');
    const [now] = await status();
    assert.notEqual(now?.pid, old?.pid);
    assert.notEqual(now?.identity, '0.0.0+elsewhere');
  });

  it('weft daemon stop stops this module\'s daemon and removes its socket', async () => {
    const [s] = await status();
    assert.ok(s !== undefined);
    const r = await runWeft(['daemon', 'stop'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /stopped 1 daemon/);
    assert.ok(await waitUntil(() => !alive(s.pid), 10_000));
    assert.deepEqual(daemonFilesNow().filter((f) => !f.endsWith('.log')), []);
    const st = await runWeft(['daemon', 'status'], { cwd: mod, env });
    assert.match(st.stdout, /no weft daemon is running/);
  });

  it('an idle daemon exits after WEFT_DAEMON_IDLE and leaves no socket or lock', async () => {
    const r = await build({ WEFT_DAEMON_IDLE: '2s' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stats.daemon, { warm: false, planReused: false }, diagnostics(r.stderr));
    const [s] = await status();
    assert.ok(s !== undefined);
    assert.equal(s.builds, 1);
    assert.ok(await waitUntil(() => !alive(s.pid), 20_000), 'the daemon exited');
    assert.deepEqual(daemonFilesNow().filter((f) => !f.endsWith('.log')), []);
  });

  it('--weft-daemon=off and CI build in-process without starting a daemon', async () => {
    for (const extra of [{ WEFT_DAEMON: 'off' }, { CI: 'true' }]) {
      const r = await build(extra);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stats.daemon, null);
      assert.deepEqual(daemonFilesNow().filter((f) => !f.endsWith('.log')), [], JSON.stringify(extra));
    }
  });
});
