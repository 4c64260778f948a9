// `weft go <sub> [args…]` on the command line: through the module's warm daemon when one
// answers, else in this process, where the progress line is drawn around go's output. The build
// itself is src/build/driver.ts.
import { buildThroughDaemon } from '../daemon/client.js';
import { prepareGoRun, finishGoRun, releaseGoRun, type GoCommandInput, type GoRunSpec } from '../build/driver.js';
import { runGo } from '../build/run-go.js';
import type { GoInvocation, ProgressSetting } from '../build/go-args.js';
import { exitCodeOf } from '../jobserver/run-tool.js';
import { sweepStaleSocketDirs } from '../jobserver/listen.js';
import { routeLogStderr } from '../log.js';
import { progressFields } from '../weaving/stats.js';
import { ProgressLine, type ProgressMode } from './progress.js';

export async function runGoCommand(input: GoCommandInput): Promise<number> {
  // weft's global flags (`weft --config x go …`) are not part of the daemon's command line.
  const globals = Object.values(input.globals).some((v) => v !== undefined);
  const viaDaemon = globals ? null : await buildThroughDaemon(input);
  if (viaDaemon !== null) return viaDaemon;
  return runInProcess(input);
}

/** The build in this process: the fallback of the daemon path and the default in CI. */
export async function runInProcess(input: GoCommandInput): Promise<number> {
  // Preparing writes temporary files (overlays, marks): a signal before go runs stops the build
  // before go starts, so the cleanup below still runs (from runGo on, go gets the signals too).
  const early = trapSignals();
  let spec: GoRunSpec;
  try {
    spec = await prepareGoRun(input);
  } catch (e) {
    early.release();
    throw e;
  }
  try {
    if (early.signal !== null) return exitCodeOf(null, early.signal);
    // Released only once runGo forwards signals: with no listener left even for a moment, Node
    // restores the default action and a signal then kills weft before it removes its files.
    if (spec.build === null) {
      const plain = runGo(spec.go, spec.args, spec.env, spec.cwd);
      early.release();
      return await plain;
    }
    const { ctx, inv } = spec.build;
    const started = Date.now();
    const cpu0 = process.cpuUsage();
    const progressMode = chooseProgress(spec.build.progress, inv);
    const progress = progressMode === null ? null : new ProgressLine({ mode: progressMode, out: process.stderr, fields: () => progressFields(ctx.stats.snapshot()) });
    if (progress !== null) routeLogStderr((text) => progress.writeAbove(process.stderr, text));
    const running = runGo(spec.go, spec.args, spec.env, spec.cwd, progress === null ? {} : {
      // go's stdout is piped only when it shares the terminal with the line; a file or pipe keeps its own.
      ...(process.stdout.isTTY === true ? { stdout: progress.forward(process.stdout) } : {}),
      stderr: progress.forward(process.stderr),
    }).finally(() => {
      progress?.stop();
      routeLogStderr(null);
    });
    early.release();
    // Directories of weft processes that were SIGKILLed: cleaned while go works.
    const sweeping = sweepStaleSocketDirs(undefined, spec.build.server?.dir ?? undefined).catch(() => 0);
    const code = await running;
    const swept = await sweeping;
    if (swept > 0) ctx.log.debug(`removed ${swept} stale socket directories`);
    const cpu = process.cpuUsage(cpu0);
    // weft's own CPU while go ran (server, weaving in worker threads): the rest of the overhead is the shim's.
    return await finishGoRun(spec, code, { wallMs: Date.now() - started, weftCpuMs: Math.round((cpu.user + cpu.system) / 1000), stderr: (t) => void process.stderr.write(t) });
  } finally {
    early.release();
    await releaseGoRun(spec);
  }
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
