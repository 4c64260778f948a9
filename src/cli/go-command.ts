// `weft go <sub> [args…]`: run the go command with weft's shim as -toolexec and a job server
// for the duration of the build. weft writes nothing to stdout; go's exit code is weft's.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeftError } from '../errors.js';
import {
  disposeBuildContext,
  exitCodeOf,
  findGo,
  formatStats,
  listenJobServer,
  prepareBuild,
  readShimStats,
  sweepStaleSocketDirs,
  type BuildContext,
  type JobServer,
} from '../server/index.js';
import { ensureShim } from '../server/ensure-shim.js';
import { checkNoUserToolexec, extractWeftFlags, parseGoInvocation, withToolexec } from './go-args.js';
import { resolveOptions, type WeftGlobalOptions } from './options.js';

export interface GoCommandInput {
  args: readonly string[];
  globals: WeftGlobalOptions;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function runGoCommand(input: GoCommandInput): Promise<number> {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const { goArgs, flags } = extractWeftFlags(input.args);
  const opts = resolveOptions(
    {
      config: flags.config ?? input.globals.config,
      stats: flags.stats ?? input.globals.stats,
      strict: flags.strict ?? input.globals.strict,
      logFile: flags.logFile ?? input.globals.logFile,
      logLevel: flags.logLevel ?? input.globals.logLevel,
    },
    env,
  );
  const log = opts.log;
  try {
    const go = findGo(env);
    const inv = parseGoInvocation(goArgs, cwd);
    // A missing -C directory, `go help`, `go env`…: go says it best, weft stays out of the way.
    if (!inv.instrument || !existsSync(inv.dir)) return await runGo(go, goArgs, env, cwd);
    checkNoUserToolexec(inv, env['GOFLAGS']);

    const [shimResult, preparedResult] = await Promise.allSettled([
      ensureShim({ go, env }),
      prepareBuild({ go, dir: inv.dir, env, log, configFlag: opts.config, cwd, goArgs, strict: opts.strict }),
    ]);
    if (shimResult.status === 'rejected' || preparedResult.status === 'rejected') {
      // Whichever half succeeded must not leave a worker pool behind.
      if (preparedResult.status === 'fulfilled') await disposeBuildContext(preparedResult.value.ctx);
      throw shimResult.status === 'rejected' ? shimResult.reason : (preparedResult as PromiseRejectedResult).reason;
    }
    const shim = shimResult.value;
    const ctx = preparedResult.value.ctx;
    let server: JobServer | null = null;
    try {
      server = await listenJobServer(ctx);
      // WEFT_STATS_JSON=<file> is the machine-readable twin of --weft-stats (tests, benchmarks).
      const statsJson = env['WEFT_STATS_JSON'];
      const wantJson = statsJson !== undefined && statsJson !== '';
      const statsFile = opts.stats || wantJson ? join(server.dir ?? '', 'shim-stats') : null;
      const goEnv: NodeJS.ProcessEnv = {
        ...env,
        WEFT_SOCKET: server.socketPath,
        WEFT_VERSION_SUFFIX: ctx.suffix,
        WEFT_VERSION: ctx.weftVersion,
      };
      if (statsFile !== null) goEnv['WEFT_STATS_FILE'] = statsFile;
      else delete goEnv['WEFT_STATS_FILE'];
      const args = withToolexec(inv, shim);
      log.debug(`running ${go} ${args.join(' ')} (socket ${server.socketPath}; weft ready after ${Math.round(performance.now())} ms)`);
      const started = Date.now();
      const cpu0 = process.cpuUsage();
      const running = runGo(go, args, goEnv, cwd);
      // Directories of weft processes that were SIGKILLed: cleaned while go works.
      const sweeping = sweepStaleSocketDirs(undefined, server.dir ?? undefined).catch(() => 0);
      const code = await running;
      const swept = await sweeping;
      if (swept > 0) log.debug(`removed ${swept} stale socket directories`);
      const wallMs = Date.now() - started;
      const cpu = process.cpuUsage(cpu0);
      // weft's own CPU while go ran (server, weaving in worker threads): the rest of the overhead is the shim's.
      const weftCpuMs = Math.round((cpu.user + cpu.system) / 1000);
      if (opts.stats) printStats(ctx, statsFile, wallMs, weftCpuMs);
      if (wantJson) writeFileSync(statsJson, JSON.stringify({ ...ctx.stats.snapshot(statsFile !== null ? readShimStats(statsFile) : null), wallMs, weftCpuMs, exitCode: code }) + '\n');
      return code;
    } finally {
      await server?.close();
      await disposeBuildContext(ctx);
    }
  } finally {
    log.close();
  }
}

function printStats(ctx: BuildContext, statsFile: string | null, wallMs: number, weftCpuMs: number): void {
  const shim = statsFile !== null ? readShimStats(statsFile) : null;
  process.stderr.write(`${formatStats(ctx.stats.snapshot(shim))}\nweft stats: wall ${wallMs} ms; weft process cpu ${weftCpuMs} ms\n`);
}

/** Runs go with inherited stdio, forwarding SIGINT/SIGTERM/SIGHUP; resolves with its exit code. */
export function runGo(go: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { stdio: 'inherit', env, cwd });
    const forward = (sig: NodeJS.Signals): void => {
      // A terminal's Ctrl-C reaches go too (same process group); a second signal is harmless,
      // while a signal sent to weft alone (kill, CI timeouts) must still stop go.
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    const cleanup = (): void => {
      for (const s of signals) process.off(s, forward);
    };
    child.once('error', (e) => {
      cleanup();
      reject(new WeftError('E_GO_NOT_FOUND', `cannot run ${go}: ${e.message}`, { hint: 'install Go ≥ 1.23 or put it on PATH' }));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(exitCodeOf(code, signal));
    });
  });
}
