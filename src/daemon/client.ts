// `weft go` through the module's warm daemon (src/daemon): find the module, connect (or
// start the daemon, one per module even when builds race: the lock), send the command line and
// environment, run go exactly as the daemon says, report how it ended, print what the daemon
// prints, exit with its code. Everything that goes wrong on the way — no daemon can be started,
// it died, it does not answer in time, it refuses — costs one warning line and the ordinary
// in-process build (null from buildThroughDaemon), never a failed or a wrong build.
//
// Default on; off with --weft-daemon=off or WEFT_DAEMON=off, and by default in CI (CI set to
// anything but "false"): a one-shot CI build gains nothing from a warm process and would leave one
// behind. A progress line is drawn here, by the front end, from the fields the daemon streams
// ("progress" frames, asked for in the build request); go's output goes through it. Once the
// daemon path is tried, leaving it prints one line saying why; a replaced or stopping daemon
// makes way for the next one.
//
// This module is on the path of every build: it loads nothing of the build machinery.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { encodeFrame, envFromList, envToList, FrameDecoder, validateDaemonMessage, type DaemonBuild, type DaemonRun, type DaemonToFront } from '../protocol/index.js';
import { parseDuration } from '../weaving/build-context.js';
import { daemonIdentity } from '../install/version.js';
import { daemonFiles, daemonKey, daemonRuntimeDir, type DaemonFiles } from './paths.js';
import { findModuleRoot } from '../weaving/module-root.js';
import { ensurePrivateDir } from '../jobserver/private-dir.js';
import { createOwnedFile, fileOwnerAlive } from '../owned-temp.js';
import { extractWeftFlags, parseDaemonSetting, parseGoInvocation, type DaemonSetting } from '../build/go-args.js';
import type { GoOutputSinks } from '../build/run-go.js';

export interface DaemonClientInput {
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The front end's progress line, when it draws one (src/cli/progress.ts). */
export interface FrontProgress {
  /** What the daemon says the build is doing. */
  update(fields: string[]): void;
  /** weft's own stderr text, written above the line. */
  stderr(text: string): void;
  /** Where go's output goes while the line is up. */
  sinks(): GoOutputSinks;
}

const CONNECT_MS = 200;
/** Time to the first frame of the daemon's answer, re-armed by every frame (WEFT_DAEMON_TIMEOUT). */
const DEFAULT_ANSWER_MS = 30_000;
/** How long a front end waits for a daemon it started (or saw starting) to listen. */
const START_MS = 15_000;

/** Whether this build goes through a daemon: the flag, else WEFT_DAEMON, else on outside CI. */
export function daemonSetting(flag: DaemonSetting | undefined, env: NodeJS.ProcessEnv): DaemonSetting {
  if (flag !== undefined) return flag;
  const given = env['WEFT_DAEMON'];
  if (given !== undefined && given !== '') return parseDaemonSetting(given, 'WEFT_DAEMON');
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci.toLowerCase() !== 'false' ? 'off' : 'on';
}

/** Runs the build through the daemon; null when it must run in this process instead. */
export async function buildThroughDaemon(input: DaemonClientInput, progress?: FrontProgress): Promise<number | null> {
  const err = progress !== undefined ? (text: string): void => progress.stderr(text) : (text: string): void => void process.stderr.write(text);
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  let moduleRoot: string | null;
  try {
    const { goArgs, flags } = extractWeftFlags(input.args);
    if (daemonSetting(flags.daemon, env) === 'off') return null;
    const inv = parseGoInvocation(goArgs, cwd);
    if (!inv.instrument) return null;
    moduleRoot = findModuleRoot(inv.dir);
  } catch {
    // A bad flag or setting: the in-process path reports it.
    return null;
  }
  if (moduleRoot === null) return null;
  const warn = (why: string): null => {
    err(`weft: the daemon for ${moduleRoot} did not answer (${why}); building without it\n`);
    return null;
  };
  let files: DaemonFiles;
  try {
    const dir = daemonRuntimeDir(env);
    ensurePrivateDir(dir);
    files = daemonFiles(dir, daemonKey(moduleRoot));
  } catch (e) {
    return warn((e as Error).message);
  }
  const request: DaemonBuild = {
    t: 'build',
    identity: daemonIdentity(),
    cwd,
    args: [...input.args],
    env: envToList(env),
    stderrTTY: process.stderr.isTTY === true,
    stdoutTTY: process.stdout.isTTY === true,
    ...(progress !== undefined ? { progress: true } : {}),
  };
  const answerMs = parseDuration(env['WEFT_DAEMON_TIMEOUT'], DEFAULT_ANSWER_MS);
  for (let attempt = 0; attempt < 3; attempt++) {
    const connected = await connectSocket(files.sock, CONNECT_MS);
    if (connected.kind === 'refused') {
      // A socket nobody listens on: its daemon died (killed, crashed). The next build starts another.
      rmSync(files.sock, { force: true });
      return warn('its socket refused the connection: it is no longer running');
    }
    if (connected.kind === 'timeout') return warn(`no connection within ${CONNECT_MS} ms`);
    if (connected.kind === 'absent') {
      const started = await startDaemon(files, moduleRoot, env);
      if (started !== null) return warn(started);
      continue;
    }
    const outcome = await converse(connected.socket, request, answerMs, err, progress);
    switch (outcome.kind) {
      case 'exit':
        return outcome.code;
      case 'fallback':
        if (outcome.warn) err(`weft: ${outcome.reason}; building without the daemon\n`);
        return null;
      case 'replace':
        // The old daemon removes its socket as it goes; then a daemon of this weft starts.
        await waitFor(() => !exists(files.sock), 5000);
        continue;
      case 'failed':
        return warn(outcome.why);
    }
  }
  return warn('it was replaced and its successor did not start');
}

type Connected = { kind: 'ok'; socket: Socket } | { kind: 'absent' } | { kind: 'refused' } | { kind: 'timeout' };

function connectSocket(path: string, timeoutMs: number): Promise<Connected> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ kind: 'ok', socket });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code === 'ENOENT' ? { kind: 'absent' } : e.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'timeout' });
    });
  });
}

/**
 * Starts the module's daemon unless another front end is starting it (the lock, created
 * exclusively), and waits until it listens. Returns null when it does, else why not.
 */
async function startDaemon(files: DaemonFiles, moduleRoot: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  let mine: boolean;
  try {
    mine = takeStartLock(files.lock);
  } catch (e) {
    return `cannot create ${files.lock}: ${(e as Error).message}`;
  }
  let exited: string | null = null;
  if (mine) {
    try {
      const { packageRoot } = await import('../install/ensure-shim.js');
      const log = openSync(files.log, 'a', 0o600);
      const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'weft.js'), 'daemon', 'serve', '--module', moduleRoot], {
        detached: true,
        stdio: ['ignore', log, log],
        env: { ...env, WEFT_DAEMON: 'off' },
        cwd: moduleRoot,
      });
      closeSync(log);
      child.once('exit', (code, signal) => (exited = `it exited with ${signal ?? `code ${code}`} before listening; see ${files.log}`));
      child.once('error', (e) => (exited = `cannot start it: ${e.message}`));
      child.unref();
    } catch (e) {
      rmSync(files.lock, { force: true });
      return `cannot start it: ${(e as Error).message}`;
    }
  }
  const listening = await waitFor(() => exited !== null || exists(files.sock) || (!mine && fileOwnerAlive(files.lock) !== true), START_MS);
  if (exited !== null) {
    // It died before it could remove the lock: the next build must not wait for it.
    if (mine) rmSync(files.lock, { force: true });
    return exited;
  }
  if (!listening) return `it did not start listening within ${START_MS / 1000} s; see ${files.log}`;
  return null;
}

/**
 * Creates the module's start lock for this front end: true when it did, false when a live
 * process holds it (a starter waiting for its daemon, or the starting daemon, which claims the
 * lock: see runDaemon). A lock whose holder is gone is taken at once, however young; a live
 * holder's is never taken, however old. Throws the fs error when it cannot be created.
 */
export function takeStartLock(lock: string): boolean {
  for (let tries = 0; tries < 2; tries++) {
    if (createOwnedFile(lock)) return true;
    if (fileOwnerAlive(lock) === true) return false;
    rmSync(lock, { force: true });
  }
  return false;
}

type Outcome = { kind: 'exit'; code: number } | { kind: 'fallback'; reason: string; warn: boolean } | { kind: 'replace' } | { kind: 'failed'; why: string };

/**
 * One build on one connection. Before "run", silence for answerMs or a broken connection is a
 * failure (the build runs in-process); after it, go's own result stands whatever the daemon does.
 */
function converse(socket: Socket, request: DaemonBuild, answerMs: number, err: (text: string) => void, progress: FrontProgress | undefined): Promise<Outcome> {
  // Loaded while the daemon prepares the build (another process): off the critical path.
  const goRunner = import('../build/run-go.js');
  return new Promise((resolve) => {
    const decoder = new FrameDecoder();
    let settled = false;
    let running: DaemonRun | null = null;
    let goCode: number | null = null;
    let timer: NodeJS.Timeout | null = null;
    const finish = (o: Outcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    let gone = false;
    const lost = (why: string): void => {
      if (settled) return;
      if (running === null) return finish({ kind: 'failed', why });
      if (!gone) err(`weft: daemon lost during the build: ${why}\n`);
      gone = true;
      // go's result is the build's; while go runs, wait for it.
      if (goCode !== null) finish({ kind: 'exit', code: goCode });
    };
    const arm = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        socket.destroy();
        lost(`no answer within ${answerMs / 1000} s`);
      }, answerMs);
    };
    const onMessage = (msg: DaemonToFront): void => {
      switch (msg.t) {
        case 'stderr':
          if (msg.text !== '') err(msg.text);
          return;
        case 'progress':
          progress?.update(msg.fields);
          return;
        case 'exit':
          return finish({ kind: 'exit', code: msg.code });
        case 'fallback':
          if (running !== null) return lost(`it asked for an in-process build after go ran: ${msg.reason}`);
          return finish({ kind: 'fallback', reason: msg.reason, warn: msg.warn });
        case 'replace':
          if (running !== null) return lost(msg.reason);
          return finish({ kind: 'replace' });
        case 'run': {
          if (running !== null) return lost('it sent a second "run"');
          running = msg;
          if (timer !== null) clearTimeout(timer);
          timer = null;
          const started = Date.now();
          goRunner.then(({ runGo }) => runGo(msg.go, msg.args, envFromList(msg.env), msg.dir, progress?.sinks() ?? {})).then(
            (code) => {
              goCode = code;
              if (gone || socket.destroyed) return finish({ kind: 'exit', code });
              arm();
              socket.write(encodeFrame({ t: 'done', id: msg.id, code, wallMs: Date.now() - started }));
            },
            (e: unknown) => {
              // go could not be started at all: the in-process build says why, once.
              err(`weft: ${(e as Error).message}\n`);
              finish({ kind: 'exit', code: 1 });
            },
          );
          return;
        }
        default:
          return lost(`it sent an unexpected "${msg.t}"`);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      if (running === null || goCode !== null) arm();
      try {
        for (const m of decoder.push(chunk)) {
          onMessage(validateDaemonMessage(m));
          if (settled) return;
        }
      } catch (e) {
        socket.destroy();
        lost((e as Error).message);
      }
    });
    socket.on('error', (e) => lost(e.message));
    socket.on('close', () => lost('the connection closed'));
    arm();
    socket.write(encodeFrame(request));
  });
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 15));
  }
  return true;
}

/** The daemon sockets to talk to: this module's, or every one of this user's. */
export function daemonSockets(env: NodeJS.ProcessEnv, cwd: string, all: boolean): string[] {
  const dir = daemonRuntimeDir(env);
  const root = all ? null : findModuleRoot(cwd);
  if (root !== null) return [daemonFiles(dir, daemonKey(root)).sock];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /^daemon-[0-9a-f]{16}\.sock$/.test(n)).map((n) => join(dir, n));
}

/** Sends `msg` to each socket and collects the answers; a socket nobody listens on is removed. */
export async function askDaemons(sockets: readonly string[], msg: { t: 'status' } | { t: 'stop'; now?: boolean }): Promise<DaemonToFront[]> {
  const answers = await Promise.all(sockets.map((s) => ask(s, msg)));
  return answers.filter((a): a is DaemonToFront => a !== null);
}

function ask(path: string, msg: unknown): Promise<DaemonToFront | null> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, 3000);
    const done = (a: DaemonToFront | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(a);
    };
    socket.once('connect', () => socket.write(encodeFrame(msg)));
    socket.on('data', (chunk: Buffer) => {
      try {
        const [m] = decoder.push(chunk);
        if (m !== undefined) done(validateDaemonMessage(m));
      } catch {
        done(null);
      }
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') rmSync(path, { force: true });
      done(null);
    });
    socket.once('close', () => done(null));
  });
}
