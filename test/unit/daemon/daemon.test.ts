// The daemon's start (src/daemon/daemon.ts): its socket path names a socket only once it
// listens, a front end that removes the path while the daemon starts costs nothing, and a daemon
// that ends before listening takes its start lock with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameDecoder } from '../../../src/protocol/index.js';
import { runDaemon } from '../../../src/daemon/daemon.js';
import { daemonFiles, daemonKey } from '../../../src/daemon/paths.js';
import { createLogger } from '../../../src/log.js';
import { socketAccepts } from '../../../src/jobserver/listen.js';
import { ownerStamp } from '../../../src/owned-temp.js';

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

test('a starting daemon names itself in the start lock, and removes the listening sockets killed daemons left (not a live one\'s)', async () => {
  const rt = runtime();
  const mod = '/nonexistent/module-for-the-start-lock';
  const files = daemonFiles(rt.dir, daemonKey(mod));
  mkdirSync(rt.dir, { recursive: true, mode: 0o700 });
  // Two other daemons' private socket names: one killed before it linked its socket into place, one still starting.
  const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(dead, 'spawn');
  const deadStamp = ownerStamp(dead.pid!);
  await once(dead, 'exit');
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await once(live, 'spawn');
  const leftover = join(rt.dir, `.daemon-${deadStamp.replace(' ', '-')}.sock`);
  const starting = join(rt.dir, `.daemon-${ownerStamp(live.pid!).replace(' ', '-')}.sock`);
  writeFileSync(leftover, '');
  writeFileSync(starting, '');
  // The front end that starts it wrote the lock.
  writeFileSync(files.lock, `${deadStamp}\n`);
  let lockWhileStarting: string | null = null;
  const original = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    lockWhileStarting ??= readFileSync(files.lock, 'utf8');
    return (original as (...a: unknown[]) => Server).apply(this, args);
  } as typeof original;
  const log = createLogger({ level: 'info', sink: () => {} });
  let served: Promise<number> | undefined;
  try {
    served = runDaemon({ moduleRoot: mod, env: rt.env, log, build: async () => {} });
    for (let i = 0; i < 400 && !existsSync(files.sock); i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    Server.prototype.listen = original;
  }
  try {
    assert.equal(lockWhileStarting, `${ownerStamp()}\n`, 'while it starts, the lock names the daemon');
    assert.ok(!existsSync(leftover), 'a killed daemon\'s socket name is removed');
    assert.ok(existsSync(starting), 'a live daemon\'s is kept');
    assert.deepEqual(await ask(files.sock, { t: 'stop' }), { t: 'stopped' });
    assert.equal(await served, 0);
  } finally {
    await ask(files.sock, { t: 'stop' }).catch(() => undefined);
    live.kill('SIGKILL');
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

test('a stopped daemon drains until its last build ends, however long (past the old 60 s cap, shortened here)', async () => {
  const rt = runtime();
  const mod = '/nonexistent/module-draining';
  const files = daemonFiles(rt.dir, daemonKey(mod));
  const identity = 'test-identity';
  let release = (): void => {};
  const held = new Promise<void>((r) => (release = r));
  let started = (): void => {};
  const inFlight = new Promise<void>((r) => (started = r));
  let exited = false;
  const served = runDaemon({
    moduleRoot: mod,
    // The old cap on draining, shortened so that a cap coming back fails this test at once.
    env: { ...rt.env, WEFT_TEST_DAEMON_IDENTITY: identity, WEFT_TEST_DAEMON_DRAIN_MS: '200ms' },
    log: createLogger({ level: 'info', sink: () => {} }),
    build: async (_req, conn) => {
      started();
      await held;
      conn.send({ t: 'exit', code: 0 });
    },
  }).then((code) => {
    exited = true;
    return code;
  });
  const build = { t: 'build', identity, cwd: mod, args: ['build', '.'], env: [], stderrTTY: false, stdoutTTY: false };
  try {
    for (let i = 0; i < 400 && !existsSync(files.sock); i++) await new Promise((r) => setTimeout(r, 10));
    const c = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(files.sock, () => resolve(s));
      s.on('error', reject);
    });
    const answers: Record<string, unknown>[] = [];
    let closed = false;
    const decoder = new FrameDecoder();
    c.on('data', (chunk) => answers.push(...(decoder.push(chunk) as Record<string, unknown>[]).filter((m) => !(m['t'] === 'stderr' && m['text'] === ''))));
    c.on('close', () => (closed = true));
    c.write(encodeFrame(build));
    await inFlight;
    assert.deepEqual(await ask(files.sock, { t: 'stop' }), { t: 'stopped' });
    // Well past the (shortened) cap: the build still has its daemon.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(closed, false, 'the build\'s connection is still open');
    assert.equal(exited, false, 'the daemon still serves its build');
    release();
    assert.equal(await served, 0);
    for (let i = 0; i < 200 && answers.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(answers, [{ t: 'exit', code: 0 }], 'the build ended with its own result');
  } finally {
    release();
    rt.cleanup();
  }
});

test('weft daemon stop --now does not wait: the build in flight is told why and fails, and the daemon exits', async () => {
  const rt = runtime();
  const mod = '/nonexistent/module-stop-now';
  const files = daemonFiles(rt.dir, daemonKey(mod));
  const identity = 'test-identity';
  let started = (): void => {};
  const inFlight = new Promise<void>((r) => (started = r));
  // A build that would run forever unless told: it fails with what the daemon says.
  const served = runDaemon({
    moduleRoot: mod,
    env: { ...rt.env, WEFT_TEST_DAEMON_IDENTITY: identity, WEFT_TEST_DAEMON_DRAIN_MS: '2s' },
    log: createLogger({ level: 'info', sink: () => {} }),
    build: async (_req, conn, shared) => {
      started();
      await new Promise<void>((resolve) => shared.stopNow.addEventListener('abort', () => resolve(), { once: true }));
      conn.send({ t: 'stderr', text: `weft: ${(shared.stopNow.reason as Error).message}\n` });
      conn.send({ t: 'exit', code: 1 });
    },
  });
  const build = { t: 'build', identity, cwd: mod, args: ['build', '.'], env: [], stderrTTY: false, stdoutTTY: false };
  try {
    for (let i = 0; i < 400 && !existsSync(files.sock); i++) await new Promise((r) => setTimeout(r, 10));
    const c = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(files.sock, () => resolve(s));
      s.on('error', reject);
    });
    const answers: Record<string, unknown>[] = [];
    const decoder = new FrameDecoder();
    c.on('data', (chunk) => answers.push(...(decoder.push(chunk) as Record<string, unknown>[]).filter((m) => !(m['t'] === 'stderr' && m['text'] === ''))));
    c.write(encodeFrame(build));
    await inFlight;
    assert.deepEqual(await ask(files.sock, { t: 'stop', now: true }), { t: 'stopped' });
    assert.equal(await served, 0, 'the daemon exits without the build having ended on its own');
    for (let i = 0; i < 200 && answers.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(answers[0]?.['t'], 'stderr');
    assert.match(String(answers[0]?.['text']), /stopped \(weft daemon stop --now\) before the build ended/);
    assert.deepEqual(answers[1], { t: 'exit', code: 1 });
  } finally {
    rt.cleanup();
  }
});
