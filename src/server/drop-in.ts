// The drop-in job server: started detached by the first shim of a `go build -toolexec=<shim>`
// that has no WEFT_SOCKET (the shim made the private directory and holds the lock). It serves
// the go process that started the shims and exits when that process is gone or after an idle
// timeout, removing its socket. It finds the configuration the way `weft go` would, from the go
// process's working directory, and uses the go process's own binary for `go env`.
import { readFileSync, readlinkSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { WeftError } from '../errors.js';
import { extractBuildFlags, findGoProcess } from '../toolexec/build-flags.js';
import { disposeBuildContext, parseDuration } from './build-context.js';
import { listenJobServer } from './listen.js';
import type { Logger } from './log.js';
import { findGo, prepareBuild } from './prepare.js';
import { formatStats } from './stats.js';

export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const POLL_MS = 250;

export interface DropInOptions {
  socketPath: string;
  goPid: number;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Default: WEFT_IDLE_TIMEOUT or 30 s. */
  idleTimeoutMs?: number;
  configFlag?: string | undefined;
  /** Print the stats block to the log at exit. */
  stats?: boolean;
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or null when it is gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

/** Runs until the go process exits or the server is idle too long. Resolves with the exit code. */
export async function runDropInServer(opts: DropInOptions): Promise<number> {
  const env = opts.env ?? process.env;
  // Problems go to the log the shim made; without any, the log and lock are removed at exit.
  let problems = false;
  const log: Logger = {
    ...opts.log,
    warn: (m) => {
      problems = true;
      opts.log.warn(m);
    },
    error: (m) => {
      problems = true;
      opts.log.error(m);
    },
  };
  const started = processStartTime(opts.goPid);
  if (started === null) {
    throw new WeftError('E_USAGE', `the go process ${opts.goPid} is not running`, { hint: 'the drop-in server is started by the shim; run builds with -toolexec=$(weft toolexec-path)' });
  }
  let dir: string;
  let go: string;
  try {
    dir = readlinkSync(`/proc/${opts.goPid}/cwd`);
  } catch (e) {
    throw new WeftError('E_USAGE', `cannot read the working directory of the go process ${opts.goPid}: ${(e as Error).message}`);
  }
  try {
    go = readlinkSync(`/proc/${opts.goPid}/exe`);
    // The served process is normally go itself; anything else (a wrapper) says nothing about go.
    if (!/^go(\.exe)?$/.test(basename(go))) go = findGo(env);
  } catch {
    go = findGo(env);
  }
  const idleMs = opts.idleTimeoutMs ?? parseDuration(env['WEFT_IDLE_TIMEOUT'], DEFAULT_IDLE_TIMEOUT_MS);
  // The go command's own flags (-tags, -mod) decide where pinned configuration packages come from.
  const proc = findGoProcess(opts.goPid, 0);
  const buildFlags = proc !== null ? extractBuildFlags(proc.args, proc.env, dir).flags : [];
  const { ctx, configFile } = await prepareBuild({ go, dir, env, log, configFlag: opts.configFlag, cwd: dir, buildFlags });
  const server = await listenJobServer(ctx, { socketPath: opts.socketPath, ref: true });
  log.info(`drop-in server pid ${process.pid} listening on ${server.socketPath} for go pid ${opts.goPid} in ${dir} (config ${configFile ?? 'none'})`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    let goGone = false;
    const stop = async (why: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      for (const [sig, h] of handlers) process.off(sig, h);
      log.info(`drop-in server pid ${process.pid} exiting: ${why}`);
      await server.close();
      if (opts.stats === true) log.info(formatStats(ctx.stats.snapshot()));
      await disposeBuildContext(ctx);
      if (goGone) removeShimFiles(opts.socketPath, problems || opts.stats === true || (env['WEFT_LOG'] ?? '') !== '');
      resolve(0);
    };
    const timer = setInterval(() => {
      // A reused pid has another start time: that is not our go process any more.
      if (processStartTime(opts.goPid) !== started) {
        goGone = true;
        void stop(`go process ${opts.goPid} exited`);
        return;
      }
      if (server.core.connections === 0 && Date.now() - server.core.lastActivity > idleMs) {
        void stop(`idle for ${Math.round(idleMs / 1000)} s`);
      }
    }, POLL_MS);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, () => void stop(`received ${sig}`)] as const);
    for (const [sig, h] of handlers) process.once(sig, h);
  });
}

/**
 * Once the go process is gone no shim can come for this server again, so the shim's lock file
 * (and the log, unless something went wrong) would only pile up in the runtime directory.
 */
function removeShimFiles(socketPath: string, keepLog: boolean): void {
  if (!socketPath.endsWith('.sock')) return;
  const base = socketPath.slice(0, -'.sock'.length);
  rmSync(`${base}.lock`, { force: true });
  if (!keepLog) rmSync(`${base}.log`, { force: true });
}
