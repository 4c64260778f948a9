// The first steps of `weft go` on the command line, light enough for the hot path (nothing of
// the build machinery): whether a progress line is drawn, and the build through the module's
// daemon with that line drawn here from the fields the daemon streams.
import { buildThroughDaemon, type DaemonClientInput } from '../daemon/client.js';
import { extractWeftFlags, parseGoInvocation, parseProgressSetting, type GoInvocation, type ProgressSetting } from '../build/go-args.js';
import type { GoOutputSinks } from '../build/run-go.js';
import { routeLogStderr } from '../log.js';
import { ProgressLine, type ProgressMode } from './progress.js';

/** The build through the daemon (null: build in this process), with the progress line when one is drawn. */
export async function buildThroughDaemonWithLine(input: DaemonClientInput): Promise<number | null> {
  let fields = ['asking the module\'s daemon'];
  const line = startProgress(input.args, input.env ?? process.env, input.cwd ?? process.cwd(), () => [...fields]);
  try {
    return await buildThroughDaemon(input, line === null ? undefined : {
      update: (f) => {
        fields = f;
        line.draw();
      },
      stderr: (text) => line.writeAbove(process.stderr, text),
      sinks: () => progressStreams(line),
    });
  } finally {
    line?.stop();
    routeLogStderr(null);
  }
}

/**
 * The progress line of one `weft go`, when it is drawn: for compiling subcommands when asked
 * for, or on a terminal by default; never for `go run`, whose program owns the terminal once it
 * starts. weft's log lines on stderr go above it. A command line weft cannot read gets no line
 * (the build reports what is wrong).
 */
export function startProgress(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, fields: () => string[]): ProgressLine | null {
  let mode: ProgressMode | null;
  try {
    const { goArgs, flags } = extractWeftFlags(args);
    const inv = parseGoInvocation(goArgs, cwd);
    const setting = flags.progress ?? parseProgressSetting(env['WEFT_PROGRESS'] ?? '', 'WEFT_PROGRESS');
    mode = !inv.instrument ? null : chooseProgress(setting, inv);
  } catch {
    return null;
  }
  if (mode === null) return null;
  // Elapsed since the process started, as the user counts it (also across a daemon's hand-back).
  const line = new ProgressLine({ mode, out: process.stderr, fields, startedMs: Date.now() - performance.now() });
  routeLogStderr((text) => line.writeAbove(process.stderr, text));
  line.draw();
  return line;
}

/** go's streams through the line: stdout only when it shares the terminal with it (a file or pipe keeps its own). */
export function progressStreams(progress: ProgressLine | null): GoOutputSinks {
  if (progress === null) return {};
  return {
    ...(process.stdout.isTTY === true ? { stdout: progress.forward(process.stdout) } : {}),
    stderr: progress.forward(process.stderr),
  };
}

function chooseProgress(setting: ProgressSetting, inv: GoInvocation): ProgressMode | null {
  if (setting === 'off' || inv.sub === 'run') return null;
  if (process.stderr.isTTY === true) return 'tty';
  return setting === 'on' ? 'lines' : null;
}

