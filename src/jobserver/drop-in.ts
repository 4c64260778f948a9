// The drop-in job server: started detached by the first shim of a `go build -toolexec=<shim>`
// that has no WEFT_SOCKET (the shim made the private directory and holds the lock). It serves
// the go process that started the shims for as long as that process lives — a long `go test`
// may send nothing for minutes and still compile a test binary afterwards — and then removes
// everything it and the shims put in the runtime directory. It finds the configuration the way
// `weft go` would, from the go process's working directory, and uses the go process's own
// binary for `go env`.
//
// One go process gets one fingerprint: the first server records its -V=full suffix next to the
// lock, and a replacement (the first died or was stopped; the next shim starts another) refuses
// to serve a different one, since mixing two fingerprints in one build gives a binary that is
// half one configuration and half the other.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WeftError } from '../errors.js';
import { extractBuildFlags } from '../toolexec/build-flags.js';
import { findGoProcess, isGoCommandName, processStartTime, processTable, type ProcessTable } from '../toolexec/go-process.js';
import { disposeBuildContext } from '../weaving/build-context.js';
import { ensurePrivateDir, listenJobServer, socketAccepts, type JobServer } from './listen.js';
import type { Logger } from '../log.js';
import { findGo, prepareBuild } from '../weaving/prepare.js';
import { formatStats } from '../weaving/stats.js';

const POLL_MS = 250;
/** How long a stop (signal) lets requests in flight finish before cutting them off. */
const DRAIN_MS = 30_000;

export interface DropInOptions {
  socketPath: string;
  goPid: number;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  configFlag?: string | undefined;
  /** Print the stats block to the log at exit. */
  stats?: boolean;
  /** The operating system's process lookups (tests pass a fake). */
  processes?: ProcessTable;
}

/** The files the shim and the server keep for one go process, named after the socket. */
export function dropInFiles(socketPath: string): { sock: string; lock: string; log: string; state: string } {
  const base = socketPath.endsWith('.sock') ? socketPath.slice(0, -'.sock'.length) : socketPath;
  return { sock: socketPath, lock: `${base}.lock`, log: `${base}.log`, state: `${base}.state` };
}

/** Runs until the go process exits (or a signal stops it). Resolves with the exit code. */
export async function runDropInServer(opts: DropInOptions): Promise<number> {
  const env = opts.env ?? process.env;
  const table = opts.processes ?? processTable();
  const files = dropInFiles(opts.socketPath);
  const started = processStartTime(opts.goPid, table);
  const goGone = (): boolean => started === null || processStartTime(opts.goPid, table) !== started;
  // Nobody can come for a server of a go process that is gone: leave nothing behind, whichever
  // way this server ends (also when it fails before listening). The log stays only when the
  // user asked for one (WEFT_LOG, stats); problems already reached the build's output.
  const keepLog = opts.stats === true || (env['WEFT_LOG'] ?? '') !== '';
  const removeFilesIfGoGone = (): void => {
    if (!goGone()) return;
    for (const f of [files.lock, files.state, ...(keepLog ? [] : [files.log])]) rmSync(f, { force: true });
  };
  try {
    return await serveDropIn(opts, env, table, files, started, goGone, removeFilesIfGoGone);
  } finally {
    removeFilesIfGoGone();
  }
}

async function serveDropIn(opts: DropInOptions, env: NodeJS.ProcessEnv, table: ProcessTable, files: ReturnType<typeof dropInFiles>,
  started: string | null, goGone: () => boolean, removeFilesIfGoGone: () => void): Promise<number> {
  const log = opts.log;
  if (started === null) {
    throw new WeftError('E_USAGE', `the go process ${opts.goPid} is not running`, { hint: 'the drop-in server is started by the shim; run builds with -toolexec=$(weft toolexec-path)' });
  }
  const dir = table.cwd(opts.goPid);
  if (dir === null) throw new WeftError('E_USAGE', `cannot read the working directory of the go process ${opts.goPid}`, { hint: 'run the build through `weft go ...`' });
  const exe = table.exe(opts.goPid);
  // The served process is normally go itself; anything else (a wrapper) says nothing about go.
  const go = exe !== null && isGoCommandName(exe) ? exe : findGo(env);
  // The shim made the runtime directory, but it may have been removed since.
  ensurePrivateDir(dirname(opts.socketPath));
  sweepDeadDropIns(dirname(opts.socketPath), opts.goPid);

  // The go command's own flags (-tags, -mod) decide where pinned configuration packages come from.
  const proc = findGoProcess(opts.goPid, 0, table);
  const buildFlags = proc !== null ? extractBuildFlags(proc.args, proc.env ?? env, dir).flags : [];
  const { ctx, configFile } = await prepareBuild({ go, dir, env, log, configFlag: opts.configFlag, cwd: dir, buildFlags });
  let server: JobServer;
  const stopRef: { stop?: (why: string) => Promise<void> } = {};
  try {
    if (goGone()) {
      log.info(`drop-in server pid ${process.pid}: go process ${opts.goPid} exited before the server listened`);
      await disposeBuildContext(ctx);
      return 0;
    }
    ensurePrivateDir(dirname(opts.socketPath));
    keepOneFingerprint(files.state, ctx.suffix, opts.goPid);
    // After the runtime directory was removed, two shims may each start a server; the one
    // that listens first serves the go process, the other has nothing to do.
    if (await socketAccepts(opts.socketPath)) {
      log.info(`drop-in server pid ${process.pid}: another server already serves go process ${opts.goPid} on ${opts.socketPath}`);
      await disposeBuildContext(ctx);
      return 0;
    }
    server = await listenJobServer(ctx, {
      socketPath: opts.socketPath,
      ref: true,
      // The runtime directory was removed and made again: record the fingerprint again.
      onRelisten: () => {
        try {
          keepOneFingerprint(files.state, ctx.suffix, opts.goPid);
        } catch (e) {
          log.error((e as Error).message);
        }
      },
      onReplaced: () => void stopRef.stop?.('another server took over the socket'),
    });
  } catch (e) {
    await disposeBuildContext(ctx);
    throw e;
  }
  log.info(`drop-in server pid ${process.pid} listening on ${server.socketPath} for go pid ${opts.goPid} in ${dir} (config ${configFile ?? 'none'})`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (why: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      log.info(`drop-in server pid ${process.pid} exiting: ${why}`);
      // New shims find no socket and start a replacement (same fingerprint, see above); those
      // already connected get their replies, unless the go process is gone and nobody waits.
      server.stopAccepting();
      for (let waited = 0; !goGone() && server.core.connections > 0 && waited < DRAIN_MS; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await server.close();
      // Before the build context is disposed, which waits for work in flight (a pool task, an
      // inner go list) that may take long on a loaded machine: nobody needs these files now.
      removeFilesIfGoGone();
      for (const [sig, h] of handlers) process.off(sig, h);
      if (opts.stats === true) log.info(formatStats(ctx.stats.snapshot()));
      await disposeBuildContext(ctx);
      resolve(0);
    };
    stopRef.stop = stop;
    const timer = setInterval(() => {
      // A reused pid has another start time: that is not our go process any more.
      if (goGone()) void stop(`go process ${opts.goPid} exited`);
    }, POLL_MS);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, () => void stop(`received ${sig}`)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
  });
}

/** Records the suffix of the first server for this go process; a replacement must match it. */
function keepOneFingerprint(stateFile: string, suffix: string, goPid: number): void {
  let recorded: string | null = null;
  try {
    recorded = (JSON.parse(readFileSync(stateFile, 'utf8')) as { suffix?: unknown }).suffix as string;
  } catch {
    // first server of this go process (or an unreadable record: the suffix below replaces it)
  }
  if (recorded !== null && recorded !== undefined && recorded !== suffix) {
    throw new WeftError('E_CONFIG_INVALID', `the aspects changed while go process ${goPid} was building (it started with ${recorded}, now ${suffix})`, {
      hint: 'run the build again: one build must not mix two configurations',
    });
  }
  if (recorded === null || recorded === undefined) writeFileSync(stateFile, `${JSON.stringify({ suffix })}\n`, { mode: 0o600 });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what servers killed without a chance to clean up (SIGKILL, a crash, a reboot) left in
 * the runtime directory: the files of go processes that no longer run.
 */
export function sweepDeadDropIns(runtimeDir: string, exceptPid: number, alive: (pid: number) => boolean = pidAlive): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(runtimeDir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = /^drop-(\d+)-[^/]*\.(sock|lock|log|state)$/.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === exceptPid || alive(pid)) continue;
    const p = join(runtimeDir, name);
    if (!existsSync(p)) continue;
    rmSync(p, { force: true });
    removed++;
  }
  return removed;
}
