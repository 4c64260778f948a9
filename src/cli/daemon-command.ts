// `weft daemon serve|status|stop`. `serve` (internal: the daemon client starts it) runs a module's
// warm daemon with the same build code as an in-process `weft go` (prepareGoRun, finishGoRun);
// `status` and `stop` talk to the daemons of this user over their sockets.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatErrorData, WeftError } from '../errors.js';
import { encodeFrame, envFromList, envToList, FrameDecoder, validateDaemonMessage, type DaemonBuild, type DaemonStatus, type DaemonToFront } from '../protocol/index.js';
import { createLogger, parseLogLevel } from '../server/log.js';
import { runDaemon, runId, type DaemonConnection, type DaemonShared } from '../server/daemon/daemon.js';
import { daemonFiles, daemonKey, daemonRuntimeDir } from '../server/daemon/paths.js';
import { findModuleRoot } from '../server/module-root.js';
import { extractWeftFlags, parseGoInvocation, parseProgressSetting } from './go-args.js';
import { finishGoRun, prepareGoRun, releaseGoRun, sweepLeftovers } from './go-command.js';
import { describeTopLevelError } from './index.js';
import type { ProgramIO } from './program.js';

export function registerDaemonCommands(program: Command, io: ProgramIO, result: { code: number }): void {
  const daemon = program.command('daemon').description("the warm per-module daemon behind `weft go` (started on demand; WEFT_DAEMON=off disables it)");
  daemon
    .command('serve', { hidden: true })
    .description('run the daemon of a module (started by `weft go`)')
    .requiredOption('--module <dir>', "the module's root directory")
    .action(async (o: { module: string }) => {
      const env = io.env;
      const files = daemonFiles(daemonRuntimeDir(env), daemonKey(o.module));
      const log = createLogger({ level: parseLogLevel(env['WEFT_LOG'], 'info'), file: env['WEFT_DAEMON_LOG'] || files.log });
      // What killed weft processes left (the daemon's builds sweep nothing themselves): once per daemon.
      void sweepLeftovers().then((n) => (n > 0 ? log.info(`removed ${n} directories left by killed weft processes`) : undefined));
      try {
        result.code = await runDaemon({ moduleRoot: o.module, env, log, build: serveBuild });
      } finally {
        log.close();
      }
    });
  daemon
    .command('status')
    .description("show this module's daemon (in a module; all of this user's with --all or elsewhere)")
    .option('--all', "every daemon of this user")
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      const statuses = await askDaemons(selectSockets(io, o.all === true), { t: 'status' });
      const live = statuses.filter((s): s is DaemonStatus => s.t === 'status');
      if (o.json === true) {
        io.stdout(`${JSON.stringify(live, null, 2)}\n`);
        return;
      }
      if (live.length === 0) io.stdout('no weft daemon is running\n');
      for (const s of live) {
        io.stdout(`${s.module}: pid ${s.pid}, ${s.builds} builds, idle ${Math.round(s.idleMs / 1000)} s (exits after ${Math.round(s.idleExitMs / 1000)} s), rss ${Math.round(s.rssBytes / 1048576)} MB, weft ${s.identity.slice(0, 24)}\n`);
      }
    });
  daemon
    .command('stop')
    .description("stop this module's daemon once its builds in flight end (--now: without waiting; those builds fail, saying why)")
    .option('--all', 'every daemon of this user')
    .option('--now', 'do not wait for builds in flight: they are told and fail')
    .action(async (o: { all?: boolean; now?: boolean }) => {
      const sockets = selectSockets(io, o.all === true);
      const answers = await askDaemons(sockets, o.now === true ? { t: 'stop', now: true } : { t: 'stop' });
      // A stopped daemon removes its socket as it exits; wait (briefly) so a script can go on.
      const until = Date.now() + 10_000;
      while (sockets.some((s) => existsSync(s)) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      const n = answers.filter((a) => a.t === 'stopped').length;
      io.stderr(o.now === true ? `weft: stopped ${n} daemon(s) now; builds they were serving fail\n` : `weft: stopped ${n} daemon(s) (each exits once its builds in flight end)\n`);
    });
}

/**
 * One build for a front end, exactly as `weft go` would run it in-process: prepare, tell the
 * front end to run go, wait for "done", finish (stale check, statistics), answer the exit code.
 */
async function serveBuild(req: DaemonBuild, conn: DaemonConnection, shared: DaemonShared): Promise<void> {
  const env = envFromList(req.env);
  const stderr = (text: string): void => conn.send({ t: 'stderr', text });
  // The warm path draws no progress line: asked for explicitly, the build goes back to the front end.
  let progress;
  let moduleRoot: string | null;
  try {
    const { goArgs, flags } = extractWeftFlags(req.args);
    progress = flags.progress ?? parseProgressSetting(env['WEFT_PROGRESS'] ?? '', 'WEFT_PROGRESS');
    moduleRoot = findModuleRoot(parseGoInvocation(goArgs, req.cwd).dir);
  } catch (e) {
    const { text, code } = describeTopLevelError(e);
    stderr(text);
    conn.send({ t: 'exit', code });
    return;
  }
  // A front end that reached the wrong daemon (a -C it read differently, a stale socket name)
  // must not build with another module's kept plans and configuration.
  if (moduleRoot !== shared.moduleRoot) {
    conn.send({ t: 'fallback', reason: `the daemon for ${shared.moduleRoot} got a build of ${moduleRoot ?? 'no module'}`, warn: true });
    return;
  }
  if (progress === 'on') {
    conn.send({ t: 'fallback', reason: 'a progress line was asked for', warn: false });
    return;
  }
  let spec;
  try {
    spec = await prepareGoRun({
      args: req.args,
      globals: {},
      env,
      cwd: req.cwd,
      daemon: { warm: shared.warm, plans: (ctx, o) => shared.plans.plan(ctx, o, () => refreshPlan(req, shared)), warmStart: shared.buildsBefore > 0, stderr },
    });
  } catch (e) {
    const { text, code } = describeTopLevelError(e);
    stderr(text);
    conn.send({ t: 'exit', code });
    return;
  }
  // Stopped now (weft daemon stop --now): every compile still to ask the job server fails with
  // the reason, and the front end hears it; go's failure is the build's.
  let stoppedNow = false;
  const onStopNow = (): void => {
    stoppedNow = true;
    const reason = shared.stopNow.reason as WeftError;
    spec.build?.server?.core.refuse(reason);
    stderr(`${formatErrorData(reason.toData())}\n`);
  };
  if (shared.stopNow.aborted) {
    await releaseGoRun(spec);
    stderr(`${formatErrorData((shared.stopNow.reason as WeftError).toData())}\n`);
    conn.send({ t: 'exit', code: 1 });
    return;
  }
  shared.stopNow.addEventListener('abort', onStopNow, { once: true });
  try {
    const id = runId();
    const cpu0 = process.cpuUsage();
    conn.send({ t: 'run', id, go: spec.go, args: spec.args, env: envToList(spec.env), dir: spec.cwd });
    const done = await conn.next();
    if (done.t !== 'done' || done.id !== id) throw new WeftError('E_PROTOCOL', `expected "done" for run ${id}, got ${done.t}`);
    const cpu = process.cpuUsage(cpu0);
    const code = await finishGoRun(spec, done.code, { wallMs: done.wallMs, weftCpuMs: Math.round((cpu.user + cpu.system) / 1000), stderr });
    conn.send({ t: 'exit', code: stoppedNow && code === 0 ? 1 : code });
  } finally {
    shared.stopNow.removeEventListener('abort', onStopNow);
    // Stopped now while go may still run: its overlay and work files stay (go reads them); they
    // are this daemon's, so the next weft process removes them once it is gone (src/owned-temp.ts).
    if (stoppedNow) await spec.build?.server?.close();
    else await releaseGoRun(spec);
  }
}

/**
 * After a watched directory changed: prepare this build's plan again, as its next run would, so
 * that the run finds it current. Nothing runs; what it logs goes to the daemon's log.
 */
async function refreshPlan(req: DaemonBuild, shared: DaemonShared): Promise<void> {
  const t0 = Date.now();
  const spec = await prepareGoRun({
    args: req.args,
    globals: {},
    env: envFromList(req.env),
    cwd: req.cwd,
    planOnly: true,
    daemon: { warm: shared.warm, plans: (ctx, o) => shared.plans.plan(ctx, o), warmStart: true, stderr: (text) => shared.log.info(`refresh: ${text.trimEnd()}`) },
  });
  await releaseGoRun(spec);
  shared.log.info(`plan of ${req.args.join(' ')} in ${req.cwd} refreshed after a change (${Date.now() - t0} ms)`);
}

/** The daemon sockets to talk to: this module's, or every one of this user's. */
function selectSockets(io: ProgramIO, all: boolean): string[] {
  const dir = daemonRuntimeDir(io.env);
  const root = all ? null : findModuleRoot(io.cwd);
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
async function askDaemons(sockets: readonly string[], msg: { t: 'status' } | { t: 'stop'; now?: boolean }): Promise<DaemonToFront[]> {
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
