// `weft go <sub> [args…]`: run the go command with weft's shim as -toolexec and a job server
// for the duration of the build. weft writes nothing to stdout; go's exit code is weft's.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatErrorData, WeftError } from '../errors.js';
import {
  disposeBuildContext,
  exitCodeOf,
  findGo,
  formatStats,
  listenJobServer,
  progressFields,
  routeLogStderr,
  prepareBuild,
  readShimStats,
  sweepStaleSocketDirs,
  type BuildContext,
  type BuildMode,
  type JobServer,
} from '../server/index.js';
import { ensureShim } from '../server/ensure-shim.js';
import { checkNoUserToolexec, extractWeftFlags, parseGoInvocation, parseModeSetting, parseProgressSetting, withLastFlags, withToolexec, type GoInvocation, type ModeSetting, type ProgressSetting } from './go-args.js';
import { planBuild, staleAfterBuild, type BuildPlan } from '../server/plan.js';
import { decideOverlay, snapshotWoven, writeOverlayBuild, type OverlayVerdict } from '../server/overlay-mode.js';
import { parseGoCommand, parseGoflags } from '../toolexec/go-command-line.js';
import { ProgressLine, type ProgressMode } from './progress.js';
import { resolveOptions, type WeftGlobalOptions } from './options.js';

export interface GoCommandInput {
  args: readonly string[];
  globals: WeftGlobalOptions;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function runGoCommand(input: GoCommandInput): Promise<number> {
  const cwd = input.cwd ?? process.cwd();
  const { goArgs, flags } = extractWeftFlags(input.args);
  const env = flags.cache !== undefined ? { ...(input.env ?? process.env), WEFT_WEAVE_CACHE: flags.cache } : input.env ?? process.env;
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
    // From here weft writes temporary files (overlays, marks): a signal before go runs stops the
    // build before go starts, so the cleanup below still runs (go gets signals from runGo on).
    const early = trapSignals();
    try {
      const { plan, mode, overlayFlags } = await chooseMode(ctx, parseModeSetting(flags.mode ?? env['WEFT_MODE'], flags.mode !== undefined ? '--weft-mode' : 'WEFT_MODE'), flags.mode !== undefined, { go, dir: inv.dir, env, goArgs: [inv.sub, ...inv.rest] });
      ctx.stats.mode = mode;
      log.info(`${mode.name} build: ${mode.reason}${mode.name === 'overlay' ? `; ${mode.overlayFiles} files overlaid, ${mode.linkFiles} link files` : ''}${plan !== null ? `; ${plan.counts.compileMarks} of ${plan.counts.listed} packages marked (${plan.counts.woven} woven, ${plan.counts.deferred} decided at compile time, ${plan.counts.dependents} dependents), planned in ${plan.counts.millis} ms` : ''}`);
      if (plan !== null) await waitForTestGate(env['WEFT_TEST_PAUSE_AFTER_PLAN']);
      // Overlay mode: go does the weaving's part itself, no shim asks anything, no server.
      if (overlayFlags === null) server = await listenJobServer(ctx);
      // WEFT_STATS_JSON=<file> and --weft-stats=json (on stderr) give the same JSON report.
      const statsJson = env['WEFT_STATS_JSON'];
      const wantJsonFile = statsJson !== undefined && statsJson !== '';
      const wantStats = opts.stats !== 'off' || wantJsonFile;
      const statsFile = wantStats && server !== null ? join(server.dir ?? '', 'shim-stats') : null;
      const goEnv: NodeJS.ProcessEnv = server === null ? { ...env } : {
        ...env,
        WEFT_SOCKET: server.socketPath,
        WEFT_VERSION: ctx.weftVersion,
      };
      // Planned: -V=full answered unchanged and unmarked tools exec'd at once (shim/main.go).
      delete goEnv['WEFT_SHIM_LINKS'];
      if (plan !== null) {
        goEnv['WEFT_SHIM_MODE'] = 'planned';
        // Links are patched with link-time packages only when the aspects can inject any.
        if (ctx.linker !== null) goEnv['WEFT_SHIM_LINKS'] = '1';
      } else {
        goEnv['WEFT_VERSION_SUFFIX'] = ctx.suffix;
        delete goEnv['WEFT_SHIM_MODE'];
      }
      if (statsFile !== null) goEnv['WEFT_STATS_FILE'] = statsFile;
      else delete goEnv['WEFT_STATS_FILE'];
      const args = overlayFlags !== null ? withLastFlags(inv, [], overlayFlags) : withToolexec(inv, shim, plan?.flags ?? []);
      log.debug(`running ${go} ${args.join(' ')} (socket ${server?.socketPath ?? 'none'}; weft ready after ${Math.round(performance.now())} ms)`);
      const started = Date.now();
      const cpu0 = process.cpuUsage();
      const progressMode = chooseProgress(flags.progress ?? parseProgressSetting(env['WEFT_PROGRESS'] ?? '', 'WEFT_PROGRESS'), inv);
      const progress = progressMode === null ? null : new ProgressLine({ mode: progressMode, out: process.stderr, fields: () => progressFields(ctx.stats.snapshot()) });
      if (progress !== null) routeLogStderr((text) => progress.writeAbove(process.stderr, text));
      if (early.signal !== null) return exitCodeOf(null, early.signal);
      const running = runGo(go, args, goEnv, cwd, progress === null ? {} : {
        // go's stdout is piped only when it shares the terminal with the line; a file or pipe keeps its own.
        ...(process.stdout.isTTY === true ? { stdout: progress.forward(process.stdout) } : {}),
        stderr: progress.forward(process.stderr),
      }).finally(() => {
        progress?.stop();
        routeLogStderr(null);
      });
      // Directories of weft processes that were SIGKILLed: cleaned while go works.
      const sweeping = sweepStaleSocketDirs(undefined, server?.dir ?? undefined).catch(() => 0);
      let code = await running;
      if (plan !== null && code === 0) code = await checkPlanHeld(ctx, plan, env);
      const swept = await sweeping;
      if (swept > 0) log.debug(`removed ${swept} stale socket directories`);
      const wallMs = Date.now() - started;
      const cpu = process.cpuUsage(cpu0);
      // weft's own CPU while go ran (server, weaving in worker threads): the rest of the overhead is the shim's.
      const weftCpuMs = Math.round((cpu.user + cpu.system) / 1000);
      if (wantStats) {
        const shimStats = statsFile !== null ? readShimStats(statsFile) : null;
        const json = JSON.stringify({ ...ctx.stats.snapshot(shimStats), wallMs, weftCpuMs, exitCode: code }) + '\n';
        if (opts.stats === 'text') process.stderr.write(`${formatStats(ctx.stats.snapshot(shimStats))}\nweft stats: wall ${wallMs} ms; weft process cpu ${weftCpuMs} ms\n`);
        else if (opts.stats === 'json') process.stderr.write(json);
        if (wantJsonFile) writeFileSync(statsJson, json);
      }
      return code;
    } finally {
      early.release();
      await server?.close();
      await disposeBuildContext(ctx);
    }
  } finally {
    log.close();
  }
}

/**
 * Plans the build unless told not to. `auto` runs an overlay build when the plan can be carried
 * by go's -overlay (src/server/overlay-mode.ts), else a planned one; a build that cannot be
 * planned (go list fails: go will say why) runs in toolexec mode. `overlayFlags` is null unless
 * the build is an overlay build (then go gets these flags and no -toolexec).
 */
async function chooseMode(
  ctx: BuildContext,
  setting: ModeSetting,
  fromFlag: boolean,
  opts: { go: string; dir: string; env: NodeJS.ProcessEnv; goArgs: string[] },
): Promise<{ plan: BuildPlan | null; mode: BuildMode; overlayFlags: string[] | null }> {
  const source = fromFlag ? '--weft-mode' : 'WEFT_MODE';
  if (setting === 'toolexec') return { plan: null, mode: { name: 'toolexec', reason: `${source}=toolexec` }, overlayFlags: null };
  const unmark = opts.env['WEFT_TEST_PLAN_UNMARK'];
  let verdict: OverlayVerdict | null = null;
  try {
    const plan = await planBuild(ctx, {
      ...opts,
      injectable: ctx.injectable?.() ?? null,
      ...(unmark !== undefined && unmark !== '' ? { forceUnmarked: new Set(unmark.split(',')) } : {}),
      unmarkedBuild: (draft) => {
        if (setting !== 'auto' && setting !== 'overlay') return false;
        const cmd = parseGoCommand(opts.goArgs);
        verdict = decideOverlay(draft, { subcommand: cmd.subcommand, flags: [...parseGoflags(opts.env['GOFLAGS']), ...cmd.flags], modCache: ctx.modCache });
        return verdict.ok;
      },
    });
    ctx.stats.plan = plan.counts;
    const v = verdict as OverlayVerdict | null;
    if (v?.ok === true) {
      const reason = setting === 'overlay' ? `${source}=overlay` : v.woven === 0 ? 'auto: nothing to weave' : 'auto: every woven package can be overlaid';
      // No compile reaches weft: the plan's weaves are the build's.
      for (const d of plan.decisions.values()) if (d.result !== undefined) ctx.stats.recordWeave(d.result.stats, d.result.aspects, d.result.warnings?.length ?? 0);
      snapshotWoven(plan);
      return { plan, mode: { name: 'overlay', reason, overlayFiles: v.files.size - v.linkFiles, linkFiles: v.linkFiles }, overlayFlags: writeOverlayBuild(ctx, plan, v.files) };
    }
    if (setting === 'overlay') {
      throw new WeftError('E_USAGE', `${source}=overlay: this build cannot be carried by an overlay: ${v?.reason ?? 'it has nothing to plan'}`, { hint: 'use --weft-mode=auto (it falls back to a planned build) or --weft-mode=planned' });
    }
    const whyNot = v !== null ? `auto: no overlay build, ${v.reason}` : 'auto: the build could be planned';
    ctx.planned = { mark: plan.mark };
    return { plan, mode: { name: 'planned', reason: setting === 'planned' ? `${source}=planned` : whyNot }, overlayFlags: null };
  } catch (e) {
    if (setting !== 'auto' || !(e instanceof WeftError) || e.code !== 'E_PLAN') throw e;
    return { plan: null, mode: { name: 'toolexec', reason: `auto: ${e.message}` }, overlayFlags: null };
  }
}

/** Records SIGINT/SIGTERM/SIGHUP instead of dying of them, until released. */
function trapSignals(): { signal: NodeJS.Signals | null; release(): void } {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const trap = {
    signal: null as NodeJS.Signals | null,
    release: () => {
      for (const s of signals) process.off(s, record);
    },
  };
  const record = (sig: NodeJS.Signals): void => {
    trap.signal ??= sig;
  };
  for (const s of signals) process.on(s, record);
  return trap;
}

/**
 * Test hook: after planning, wait until this file exists (at most a minute), so a test can
 * change sources between the plan and the build (the stale-plan check).
 */
async function waitForTestGate(file: string | undefined): Promise<void> {
  if (file === undefined || file === '') return;
  const until = Date.now() + 60_000;
  while (!existsSync(file) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

/** After a planned build: a source file that changed while go ran must not leave a package silently unwoven. */
async function checkPlanHeld(ctx: BuildContext, plan: BuildPlan, env: NodeJS.ProcessEnv): Promise<number> {
  const stale = await staleAfterBuild(ctx, plan, env);
  if (stale.length === 0) return 0;
  const err = new WeftError('E_PLAN', `files of ${stale.join(', ')} changed during the build, and the aspects match them now: the build may lack their instrumentation`, {
    hint: 'run the build again (it recompiles those packages with their aspects)',
  });
  process.stderr.write(`${formatErrorData(err.toData())}\n`);
  return 1;
}

/**
 * The progress line is drawn for compiling subcommands when asked for, or on a terminal by
 * default; never for `go run`, whose program owns the terminal once it starts.
 */
function chooseProgress(setting: ProgressSetting, inv: GoInvocation): ProgressMode | null {
  if (setting === 'off' || inv.sub === 'run') return null;
  if (process.stderr.isTTY === true) return 'tty';
  return setting === 'on' ? 'lines' : null;
}

export interface GoOutputSinks {
  stdout?: { push(chunk: string): void; flush(): void };
  stderr?: { push(chunk: string): void; flush(): void };
}

/**
 * Runs go, forwarding SIGINT/SIGTERM/SIGHUP; resolves with its exit code. stdio is inherited
 * except the streams given in `sinks`, which receive go's output (all of it before resolving).
 */
export function runGo(go: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, sinks: GoOutputSinks = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { stdio: ['inherit', sinks.stdout ? 'pipe' : 'inherit', sinks.stderr ? 'pipe' : 'inherit'], env, cwd });
    for (const [stream, sink] of [[child.stdout, sinks.stdout], [child.stderr, sinks.stderr]] as const) {
      if (stream === null || sink === undefined) continue;
      stream.setEncoding('utf8').on('data', (c: string) => sink.push(c)).on('end', () => sink.flush());
    }
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
    // 'close' waits for piped output to end, so nothing of go's is written after weft returns.
    child.once('close', (code, signal) => {
      cleanup();
      resolve(exitCodeOf(code, signal));
    });
  });
}
