// A module's warm daemon: one per user and module, started detached by the first `weft go` that
// finds none (src/daemon/client.ts), serving builds over the control protocol
// (docs/daemon-protocol.md) until nobody used it for WEFT_DAEMON_IDLE. What it keeps across
// builds is what costs time and holds no build's state: the Node process itself with its modules
// loaded, the weave worker pool, the resolved configuration and `go env` answers (memoised while
// their files keep their stat), and the plans (plan-cache.ts). Each build gets its own
// BuildContext, job server and statistics, made by the same code as an in-process build (the
// `build` handler the CLI passes in), so two builds at once in one module do not meet.
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { WeftError } from '../errors.js';
import { RACY_NS, stampFile, stampHolds, type FileStamp } from '../file-stamp.js';
import { encodeFrame, FrameDecoder, validateFrontMessage, type DaemonBuild, type DaemonToFront, type FrontToDaemon } from '../protocol/index.js';
import type { WorkerPool } from '../pool/index.js';
import { parseDuration } from '../weaving/build-context.js';
import { socketAccepts } from '../jobserver/listen.js';
import type { Logger } from '../log.js';
import type { WarmResources } from '../weaving/prepare.js';
import { ensurePrivateDir } from '../jobserver/private-dir.js';
import { claimOwnedFile, ownedName, sweepDeadOwnedNames } from '../owned-temp.js';
import { createWeavePool } from '../weaving/weaver.js';
import { daemonIdentity } from '../install/version.js';
import { daemonFiles, daemonKey, daemonRuntimeDir, DEFAULT_DAEMON_IDLE_MS, type DaemonFiles } from './paths.js';
import { PlanCache } from './plan-cache.js';

/** How often the daemon tells a waiting front end it is still working (the front's timeout is re-armed by every frame). */
const HEARTBEAT_MS = 2000;
/** A stop --now: how long builds in flight get to hear it (and fail) before the daemon exits regardless. */
const NOW_GRACE_MS = 5_000;
/** After the drain, how long closing may take before the process exits regardless. */
const EXIT_GRACE_MS = 10_000;
/** A daemon that is not listening after this long (stuck starting) exits. */
const START_LIMIT_MS = 60_000;

/** One front end's connection, as a build handler sees it. */
export interface DaemonConnection {
  send(msg: DaemonToFront): void;
  /** The front end's next message; rejects when the connection closes first. */
  next(): Promise<FrontToDaemon>;
}

/** What the daemon lends every build. */
export interface DaemonShared {
  /** The module this daemon serves: a build of another one must not use its kept plans. */
  moduleRoot: string;
  warm: WarmResources;
  plans: PlanCache;
  /** Builds served before this one. */
  buildsBefore: number;
  /** The daemon's own log (not the build's output). */
  log: Logger;
  /**
   * Aborted (with the reason, a WeftError) when the daemon is stopped without waiting for its
   * builds (`weft daemon stop --now`): a build in flight must then fail, naming why.
   */
  stopNow: AbortSignal;
}

export type DaemonBuildHandler = (req: DaemonBuild, conn: DaemonConnection, shared: DaemonShared) => Promise<void>;

export interface DaemonOptions {
  moduleRoot: string;
  /** The daemon's own environment (runtime directory, WEFT_DAEMON_IDLE); each build brings its own. */
  env: NodeJS.ProcessEnv;
  log: Logger;
  build: DaemonBuildHandler;
}

/** Serves until idle, stopped or signalled. Resolves with the exit code. */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const { env, log } = opts;
  const runtimeDir = daemonRuntimeDir(env);
  ensurePrivateDir(runtimeDir);
  const files = daemonFiles(runtimeDir, daemonKey(opts.moduleRoot));
  // A test hook: a daemon that claims another weft build, to be replaced.
  const identity = env['WEFT_TEST_DAEMON_IDENTITY'] || daemonIdentity();
  const idleMs = parseDuration(env['WEFT_DAEMON_IDLE'], DEFAULT_DAEMON_IDLE_MS);
  // Test hook: a shorter grace for builds told of a stop --now.
  const nowGraceMs = parseDuration(env['WEFT_TEST_DAEMON_DRAIN_MS'], NOW_GRACE_MS);
  const stopNow = new AbortController();
  // The front end that started this daemon holds the start lock; from now on the lock names this
  // process, so a front end that comes while it starts slowly waits for it rather than starting
  // another, and one that comes after it died takes the lock at once (takeStartLock).
  claimOwnedFile(files.lock);
  const dropLock = (): void => rmSync(files.lock, { force: true });
  // However this process ends before it listens (a throw, the watchdog below), the start lock
  // goes with it: front ends would otherwise wait for a daemon that is gone until the lock is stale.
  process.once('exit', dropLock);
  const starting = setTimeout(() => {
    log.error(`daemon pid ${process.pid} did not start listening within ${START_LIMIT_MS / 1000} s; exiting`);
    process.exit(1);
  }, START_LIMIT_MS);
  starting.unref();
  // Ready before listening: a front end connects as soon as the socket exists.
  const pool = await createWeavePool(log);
  const plans = new PlanCache({
    watchDirs: !/^(0|off|false|no)$/i.test(env['WEFT_DAEMON_WATCH'] ?? ''),
    onRefreshError: (e) => log.info(`background plan refresh failed: ${(e as Error).message}`),
  });
  const warm: WarmResources = { pool, memo: createMemo() };
  let listening: { server: Server; ino: number } | null;
  try {
    listening = await listenDaemonSocket(files.sock);
  } finally {
    clearTimeout(starting);
    process.off('exit', dropLock);
    dropLock();
  }
  if (listening === null) {
    log.info(`daemon pid ${process.pid}: another daemon already serves ${opts.moduleRoot}`);
    await closePool(pool);
    return 0;
  }
  const { server, ino } = listening;
  log.info(`daemon pid ${process.pid} (${identity}) serving ${opts.moduleRoot} on ${files.sock}; idle exit after ${idleMs} ms`);

  const startedMs = Date.now();
  let builds = 0;
  let active = 0;
  let lastUsed = Date.now();
  let stopping: Promise<number> | null = null;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((r) => (resolveDone = r));
  const sockets = new Set<Socket>();

  const idleTimer = setInterval(() => {
    if (active === 0 && Date.now() - lastUsed >= idleMs) void stop(`idle for ${Math.round((Date.now() - lastUsed) / 1000)} s`);
  }, Math.max(50, Math.min(1000, Math.floor(idleMs / 4))));

  // A stop drains: no new builds, and the process exits once the last build in flight ends,
  // however long it runs (a long `go test` keeps its job server). A stop --now (or a second
  // signal) tells the builds in flight, which fail naming why, and exits shortly after.
  let forceExit: NodeJS.Timeout | null = null;
  const hurry = (why: string): void => {
    if (stopNow.signal.aborted) return;
    stopNow.abort(new WeftError('E_DAEMON_STOPPED', `the weft daemon serving this build was stopped (${why}) before the build ended`, { hint: 'run the build again' }));
    if (active > 0) log.info(`daemon pid ${process.pid}: telling ${active} build(s) in flight that it stops (${why})`);
    // Whatever might hang from here (a pool task, a handle), a daemon stopped now does not linger.
    forceExit = setTimeout(() => {
      log.error(`daemon pid ${process.pid} did not stop within ${(nowGraceMs + EXIT_GRACE_MS) / 1000} s of ${why}; exiting`);
      process.exit(0);
    }, nowGraceMs + EXIT_GRACE_MS);
    forceExit.unref();
  };
  const stop = (why: string, now = false): Promise<number> => {
    if (now) hurry(why);
    stopping ??= (async () => {
      log.info(`daemon pid ${process.pid} stopping: ${why}${active > 0 && !now ? `; waiting for ${active} build(s) in flight` : ''}`);
      clearInterval(idleTimer);
      closeListener(server, files, ino);
      for (let waited = 0; active > 0; waited += 50) {
        if (stopNow.signal.aborted && waited >= nowGraceMs) break;
        if (!stopNow.signal.aborted) waited = 0;
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const s of sockets) s.destroy();
      await plans.close();
      await closePool(pool);
      for (const [sig, h] of handlers) process.off(sig, h);
      if (forceExit !== null) clearTimeout(forceExit);
      log.info(`daemon pid ${process.pid} exited after ${builds} builds`);
      resolveDone(0);
      return 0;
    })();
    return stopping;
  };
  // A first signal drains; a second one does not wait.
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, () => void stop(`received ${sig}`, stopping !== null)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const conn = connect(socket, log);
    void (async () => {
      let first: FrontToDaemon;
      try {
        first = await conn.next();
      } catch (e) {
        log.debug(`front end connection: ${(e as Error).message}`);
        socket.destroy();
        return;
      }
      if (first.t === 'status') {
        conn.send({ t: 'status', pid: process.pid, identity, module: opts.moduleRoot, startedMs, builds, idleMs: active > 0 ? 0 : Date.now() - lastUsed, rssBytes: process.memoryUsage().rss, idleExitMs: idleMs });
        conn.end();
        return;
      }
      if (first.t === 'stop') {
        conn.send({ t: 'stopped' });
        conn.end();
        void stop(first.now === true ? 'weft daemon stop --now' : 'asked to stop', first.now === true);
        return;
      }
      if (first.t !== 'build') {
        log.warn(`front end sent ${first.t} before a build; closing`);
        socket.destroy();
        return;
      }
      if (first.identity !== identity) {
        conn.send({ t: 'replace', reason: `this daemon is weft ${identity}, the front end ${first.identity}` });
        conn.end();
        void stop(`replaced by weft ${first.identity}`);
        return;
      }
      if (stopping !== null) {
        // Its socket is gone already: the front end starts the next daemon, as for a replaced one.
        conn.send({ t: 'replace', reason: 'the daemon is stopping' });
        conn.end();
        return;
      }
      active++;
      const buildsBefore = builds++;
      lastUsed = Date.now();
      const t0 = Date.now();
      try {
        await opts.build(first, conn.heartbeating(), { moduleRoot: opts.moduleRoot, warm, plans, buildsBefore, log, stopNow: stopNow.signal });
      } catch (e) {
        if (e instanceof WeftError && e.code === 'E_DAEMON') {
          // The front end went away (Ctrl-C, its timeout): nobody waits for this build.
          log.info(`build in ${first.cwd} abandoned: ${e.message}`);
          return;
        }
        // A fault of the daemon, not of the build: the front end builds without it.
        log.error(`build in ${first.cwd} failed in the daemon: ${(e as Error).stack ?? String(e)}`);
        conn.send({ t: 'fallback', reason: `the daemon failed (${(e as Error).message})`, warn: true });
      } finally {
        conn.end();
        active--;
        lastUsed = Date.now();
        log.info(`build ${buildsBefore + 1} in ${first.cwd} served in ${Date.now() - t0} ms (rss ${Math.round(process.memoryUsage().rss / 1048576)} MB)`);
      }
    })();
  });
  return done;
}

/**
 * Listens on `path`, which names the socket only once it accepts connections: the socket is
 * bound and listening under a private name first, then linked into place. Bound under `path`
 * itself it would refuse connections for a moment (between bind and listen), and a front end
 * takes a refusing socket for a dead daemon's and removes it: that daemon then served nobody.
 * Resolves with null when another daemon's socket accepts at `path`; a refusing one (a killed
 * daemon's) is replaced.
 */
const STARTING_PREFIX = '.daemon-';

export async function listenDaemonSocket(path: string): Promise<{ server: Server; ino: number } | null> {
  // Named after this process (pid and start time): a daemon killed before it linked the socket
  // into place leaves one, which the next daemon removes once that process is gone.
  sweepDeadOwnedNames(dirname(path), STARTING_PREFIX, '.sock');
  const starting = join(dirname(path), ownedName(STARTING_PREFIX, '.sock'));
  rmSync(starting, { force: true });
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new WeftError('E_DAEMON', `cannot listen on ${starting}: ${e.message}`, { hint: 'check the runtime directory; run the build again' })));
      server.listen(starting, () => resolve());
    });
    server.removeAllListeners('error');
    server.on('error', () => {});
    const ino = lstatSync(starting).ino;
    for (;;) {
      try {
        linkSync(starting, path);
        return { server, ino };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new WeftError('E_DAEMON', `cannot link ${path} to the listening socket: ${(e as Error).message}`, { hint: 'check the runtime directory; run the build again' });
      }
      if (await socketAccepts(path)) {
        server.close();
        return null;
      }
      rmSync(path, { force: true });
    }
  } catch (e) {
    server.close();
    throw e;
  } finally {
    rmSync(starting, { force: true });
  }
}

/** Stops listening and removes our socket file (only ours: a successor may own the path by now). */
function closeListener(server: Server, files: DaemonFiles, ino: number): void {
  // Removed before the socket closes: a front end that comes in between finds no daemon (and
  // starts one) rather than a refusing socket.
  try {
    if (lstatSync(files.sock).ino === ino) unlinkSync(files.sock);
  } catch {
    // gone already
  }
  server.close();
}

async function closePool(pool: WorkerPool): Promise<void> {
  try {
    await pool.close();
  } catch {
    // stopping anyway
  }
}

interface FrontConnection extends DaemonConnection {
  end(): void;
  /** The same connection, sending a heartbeat every HEARTBEAT_MS while the front waits for the daemon (not while go runs). */
  heartbeating(): DaemonConnection;
}

function connect(socket: Socket, log: Logger): FrontConnection {
  const decoder = new FrameDecoder();
  const queue: FrontToDaemon[] = [];
  const waiters: { resolve: (m: FrontToDaemon) => void; reject: (e: Error) => void }[] = [];
  let closed: Error | null = null;
  let beat: NodeJS.Timeout | null = null;
  const fail = (e: Error): void => {
    closed ??= e;
    for (const w of waiters.splice(0)) w.reject(closed);
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const m of decoder.push(chunk)) {
        const msg = validateFrontMessage(m);
        const w = waiters.shift();
        if (w !== undefined) w.resolve(msg);
        else queue.push(msg);
      }
    } catch (e) {
      log.warn(`front end sent a bad frame: ${(e as Error).message}`);
      fail(e as Error);
      socket.destroy();
    }
  });
  socket.on('error', (e) => fail(e));
  socket.on('close', () => {
    if (beat !== null) clearInterval(beat);
    fail(new WeftError('E_DAEMON', 'the front end closed the connection'));
  });
  const send = (msg: DaemonToFront): void => {
    if (!socket.destroyed && socket.writable) socket.write(encodeFrame(msg));
  };
  const next = (): Promise<FrontToDaemon> => {
    const m = queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (closed !== null) return Promise.reject(closed);
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };
  const startBeat = (): void => {
    beat ??= setInterval(() => send({ t: 'stderr', text: '' }), HEARTBEAT_MS);
  };
  const stopBeat = (): void => {
    if (beat !== null) clearInterval(beat);
    beat = null;
  };
  return {
    send,
    next,
    end: () => {
      stopBeat();
      if (!socket.destroyed) socket.end();
    },
    heartbeating: () => {
      startBeat();
      return {
        send: (msg) => {
          // While go runs the front end waits for go, not for us.
          if (msg.t === 'run') stopBeat();
          send(msg);
        },
        next: async () => {
          const m = await next();
          startBeat();
          return m;
        },
      };
    },
  };
}

/** A fresh id for a run (the front end echoes it in "done"). */
export function runId(): string {
  return randomBytes(8).toString('hex');
}

interface MemoEntry {
  value: unknown;
  stamps: Map<string, FileStamp | null>;
}

/**
 * WarmResources.memo: a value is reused while every file it was computed from still holds the
 * stamp taken before the computation read it (src/file-stamp.ts; a missing file stays missing).
 */
export function createMemo(): NonNullable<WarmResources['memo']> {
  const entries = new Map<string, MemoEntry>();
  return async <T>(key: string, files: readonly string[], compute: () => Promise<T>, more?: (value: T) => readonly string[]): Promise<T> => {
    const hit = entries.get(key);
    if (hit !== undefined && [...hit.stamps].every(([f, s]) => stampHolds(s, f))) return hit.value as T;
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    const before = new Map(files.map((f) => [f, stampFile(f)] as const));
    const value = await compute();
    // Files the value names only once computed (a configuration's extends) were read before
    // they could be stamped: a stamp now vouches only for a file untouched since before the
    // computation began; otherwise the value is not kept (the next build computes it again).
    for (const f of more?.(value) ?? []) {
      if (before.has(f)) continue;
      const stamp = stampFile(f);
      if (stamp !== null && stamp.mtimeNs >= startedNs - RACY_NS) return value;
      before.set(f, stamp);
    }
    entries.set(key, { value, stamps: before });
    return value;
  };
}
