// `weft go <sub> [args…]` on the command line: through the module's warm daemon when one
// answers, else in this process, where the progress line is drawn around go's output. The build
// itself is src/build/driver.ts.
import { prepareGoRun, finishGoRun, releaseGoRun, sweepLeftovers, workWhileGoRuns, type GoCommandInput, type GoRunSpec } from '../build/driver.js';
import { runGo } from '../build/run-go.js';
import { BuildPhase } from '../build/progress.js';
import { exitCodeOf } from '../jobserver/run-tool.js';
import { routeLogStderr } from '../log.js';
import { buildThroughDaemonWithLine, progressStreams, startProgress } from './go-front.js';

export async function runGoCommand(input: GoCommandInput): Promise<number> {
  // weft's global flags (`weft --config x go …`) are not part of the daemon's command line.
  const globals = Object.values(input.globals).some((v) => v !== undefined);
  const viaDaemon = globals ? null : await buildThroughDaemonWithLine(input);
  if (viaDaemon !== null) return viaDaemon;
  return runInProcess(input);
}

/** The build in this process: the fallback of the daemon path and the default in CI. */
export async function runInProcess(input: GoCommandInput): Promise<number> {
  // Preparing writes temporary files (overlays, marks): a signal before go runs stops the build
  // before go starts, so the cleanup below still runs (from runGo on, go gets the signals too).
  const early = trapSignals();
  // The line is up from the start: configuration and planning can take longer than go.
  const phase = new BuildPhase();
  const progress = startProgress(input.args, input.env ?? process.env, input.cwd ?? process.cwd(), () => phase.fields());
  const stopProgress = (): void => {
    progress?.stop();
    routeLogStderr(null);
  };
  let spec: GoRunSpec;
  try {
    spec = await prepareGoRun({ ...input, phase });
  } catch (e) {
    stopProgress();
    early.release();
    throw e;
  }
  try {
    if (early.signal !== null) {
      stopProgress();
      return exitCodeOf(null, early.signal);
    }
    // Released only once runGo forwards signals: with no listener left even for a moment, Node
    // restores the default action and a signal then kills weft before it removes its files.
    if (spec.build === null) {
      stopProgress();
      const plain = runGo(spec.go, spec.args, spec.env, spec.cwd);
      early.release();
      return await plain;
    }
    const { ctx } = spec.build;
    phase.name = 'go';
    const started = Date.now();
    const running = runGo(spec.go, spec.args, spec.env, spec.cwd, progressStreams(progress)).finally(stopProgress);
    early.release();
    // Directories of weft processes that were SIGKILLed: cleaned while go works.
    const sweeping = sweepLeftovers(spec.build.server?.dir ?? undefined);
    workWhileGoRuns(spec);
    const code = await running;
    const swept = await sweeping;
    if (swept > 0) ctx.log.debug(`removed ${swept} stale socket directories`);
    // Since the process started, as a user's `time` would count it: Node's start and weft's
    // loading, configuration and planning are as much weft's cost as serving go's compiles.
    const cpu = process.cpuUsage();
    const figures = {
      goWallMs: Date.now() - started,
      wallMs: Math.round(performance.now()),
      wallFrom: 'the weft process started',
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      cpuWho: 'weft process',
      cpuCovers: 'since the process started: Node\'s start, configuration, planning, weaving and serving go',
    };
    return await finishGoRun(spec, code, { figures, stderr: (t) => void process.stderr.write(t) });
  } finally {
    stopProgress();
    early.release();
    await releaseGoRun(spec);
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
