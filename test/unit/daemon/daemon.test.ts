// The daemon's start (src/daemon/daemon.ts): its socket path names a socket only once it
// listens, a front end that removes the path while the daemon starts costs nothing, and a daemon
// that ends before listening takes its start lock with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameDecoder } from '../../../src/protocol/index.js';
import { runDaemon } from '../../../src/daemon/daemon.js';
import { daemonFiles, daemonKey } from '../../../src/daemon/paths.js';
import { createLogger } from '../../../src/log.js';
import { socketAccepts } from '../../../src/jobserver/listen.js';

function runtime(): { dir: string; env: NodeJS.ProcessEnv; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'weft-daemon-unit-'));
  chmodSync(root, 0o700);
  return { dir: join(root, 'weft'), env: { XDG_RUNTIME_DIR: root, WEFT_DAEMON_WATCH: 'off', WEFT_DAEMON_IDLE: '5m' }, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function ask(sock: string, msg: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder();
    const c = createConnection(sock, () => c.write(encodeFrame(msg)));
    c.on('data', (chunk) => {
      const [m] = decoder.push(chunk);
      if (m !== undefined) {
        c.destroy();
        resolve(m as Record<string, unknown>);
      }
    });
    c.on('error', reject);
  });
}

test('the daemon never binds its socket path itself, and a front end removing that path while it starts does not stop it', async () => {
  const rt = runtime();
  const mod = '/nonexistent/module-for-the-socket-name';
  const files = daemonFiles(rt.dir, daemonKey(mod));
  // A socket bound at the path refuses connections until it listens, and a front end removes a
  // refusing socket as a dead daemon's: the path may only appear once it accepts. Every listen
  // call is recorded, and right after each one the path is removed, as that front end would.
  const listened: string[] = [];
  const original = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    const r = (original as (...a: unknown[]) => Server).apply(this, args);
    if (typeof args[0] === 'string') listened.push(args[0]);
    rmSync(files.sock, { force: true });
    return r;
  } as typeof original;
  const log = createLogger({ level: 'info', sink: () => {} });
  let served: Promise<number>;
  try {
    served = runDaemon({ moduleRoot: mod, env: rt.env, log, build: async () => {} });
    for (let i = 0; i < 400 && !existsSync(files.sock); i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    Server.prototype.listen = original;
  }
  try {
    assert.ok(listened.length > 0, 'the daemon listened');
    assert.ok(!listened.includes(files.sock), `bound at its public path: ${listened.join(', ')}`);
    assert.ok(existsSync(files.sock), 'the daemon published its socket');
    assert.equal(await socketAccepts(files.sock), true);
    const status = await ask(files.sock, { t: 'status' });
    assert.equal(status['t'], 'status');
    assert.equal(status['pid'], process.pid);
    assert.ok(!existsSync(files.lock), 'no start lock once it listens');
    assert.deepEqual(await ask(files.sock, { t: 'stop' }), { t: 'stopped' });
    assert.equal(await served, 0);
    assert.deepEqual(readdirSync(rt.dir), [], 'nothing left in the runtime directory');
  } finally {
    // A failed assertion must not leave the daemon (and this test file) running.
    await ask(files.sock, { t: 'stop' }).catch(() => undefined);
    rt.cleanup();
  }
});

test('a daemon that ends before it listens removes its start lock', () => {
  const rt = runtime();
  const mod = '/nonexistent/module-that-dies';
  try {
    const daemonJs = fileURLToPath(new URL('../../../src/daemon/daemon.js', import.meta.url));
    const pathsJs = fileURLToPath(new URL('../../../src/daemon/paths.js', import.meta.url));
    const logJs = fileURLToPath(new URL('../../../src/log.js', import.meta.url));
    // The front end that started it created the lock; the daemon ends (a throw, its start
    // watchdog) before it listens: process.exit right after runDaemon started.
    const script = `
      import { mkdirSync, writeFileSync } from 'node:fs';
      import { runDaemon } from ${JSON.stringify(daemonJs)};
      import { daemonFiles, daemonKey } from ${JSON.stringify(pathsJs)};
      import { createLogger } from ${JSON.stringify(logJs)};
      const files = daemonFiles(${JSON.stringify(rt.dir)}, daemonKey(${JSON.stringify(mod)}));
      mkdirSync(${JSON.stringify(rt.dir)}, { recursive: true, mode: 0o700 });
      writeFileSync(files.lock, '1\\n');
      void runDaemon({ moduleRoot: ${JSON.stringify(mod)}, env: ${JSON.stringify(rt.env)}, log: createLogger({ level: 'info', sink: () => {} }), build: async () => {} });
      process.exit(3);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 3, r.stderr);
    const files = daemonFiles(rt.dir, daemonKey(mod));
    assert.ok(existsSync(rt.dir), r.stderr);
    assert.ok(!existsSync(files.lock), 'the start lock is gone with the daemon');
  } finally {
    rt.cleanup();
  }
});

test('a build that reaches a stopping daemon is sent to the next daemon (replace), not silently built in-process', async () => {
  const rt = runtime();
  const mod = '/nonexistent/module-stopping';
  const files = daemonFiles(rt.dir, daemonKey(mod));
  const identity = 'test-identity';
  let release = (): void => {};
  const held = new Promise<void>((r) => (release = r));
  let started = (): void => {};
  const inFlight = new Promise<void>((r) => (started = r));
  const served = runDaemon({
    moduleRoot: mod,
    env: { ...rt.env, WEFT_TEST_DAEMON_IDENTITY: identity },
    log: createLogger({ level: 'info', sink: () => {} }),
    build: async (_req, conn) => {
      started();
      await held;
      conn.send({ t: 'exit', code: 0 });
    },
  });
  const build = { t: 'build', identity, cwd: mod, args: ['build', '.'], env: [], stderrTTY: false, stdoutTTY: false };
  const open = (): Promise<Socket> => new Promise((resolve, reject) => {
    const c = createConnection(files.sock, () => resolve(c));
    c.on('error', reject);
  });
  const answer = (c: Socket): Promise<Record<string, unknown>> => new Promise((resolve, reject) => {
    const decoder = new FrameDecoder();
    c.on('data', (chunk) => {
      for (const m of decoder.push(chunk) as Record<string, unknown>[]) if (!(m['t'] === 'stderr' && m['text'] === '')) return resolve(m);
    });
    c.on('close', () => reject(new Error('closed without an answer')));
  });
  try {
    for (let i = 0; i < 400 && !existsSync(files.sock); i++) await new Promise((r) => setTimeout(r, 10));
    // One build in flight keeps the stopping daemon draining; another front end connected just
    // before the stop and sends its build after it.
    const first = await open();
    const firstAnswer = answer(first);
    first.write(encodeFrame(build));
    await inFlight;
    const late = await open();
    assert.deepEqual(await ask(files.sock, { t: 'stop' }), { t: 'stopped' });
    for (let i = 0; i < 400 && existsSync(files.sock); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(!existsSync(files.sock), 'a stopping daemon removes its socket at once');
    const lateAnswer = answer(late);
    late.write(encodeFrame(build));
    const got = await lateAnswer;
    assert.equal(got['t'], 'replace', JSON.stringify(got));
    assert.match(String(got['reason']), /stopping/);
    release();
    assert.deepEqual(await firstAnswer, { t: 'exit', code: 0 }, 'the build in flight finishes');
    assert.equal(await served, 0);
  } finally {
    release();
    await ask(files.sock, { t: 'stop' }).catch(() => undefined);
    rt.cleanup();
  }
});
