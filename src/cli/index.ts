// src/cli: weft's command line — `go` (through the daemon, or in this process with its progress
// line), `daemon`, `toolexec`, `toolexec-path`, `server`, `weave`, `explain`, `diff`, `doctor`,
// `prepare`, `version`, `cache`, `pin`, `unpin` (program.ts registers them; the larger ones have a file each) —
// parsing flags with commander and handing each command to the room that does it (src/build
// for `go`, src/daemon, src/jobserver, src/diagnostics, src/install, src/weave for `weave`,
// src/pin for `pin` and `unpin`).
// Owns exit codes and output. Contains no build logic. Nothing imports src/cli.
// rooms: build cache config daemon diagnostics errors install jobserver log owned-temp pin protocol toolexec weave weaving
import { describeTopLevelError, EXIT_USAGE } from '../errors.js';
import type { ProgramIO } from './program-io.js';

/** Runs weft with `argv` (process.argv without node and the script). Resolves with the exit code. */
export async function main(argv: readonly string[], io: Partial<ProgramIO> = {}): Promise<number> {
  const full: ProgramIO = {
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    stdout: io.stdout ?? ((s) => void process.stdout.write(s)),
    stderr: io.stderr ?? ((s) => void process.stderr.write(s)),
  };
  // `weft go …` is the hot path (once per build): skip loading commander for it.
  if (argv[0] === 'go') {
    try {
      // The daemon client first: a warm build loads nothing of the build machinery here.
      const { buildThroughDaemonWithLine } = await import('./go-front.js');
      const viaDaemon = await buildThroughDaemonWithLine({ args: argv.slice(1), env: full.env, cwd: full.cwd });
      if (viaDaemon !== null) return viaDaemon;
      const { runInProcess } = await import('./go-command.js');
      return await runInProcess({ args: argv.slice(1), globals: {}, env: full.env, cwd: full.cwd });
    } catch (e) {
      return reportError(e, full);
    }
  }
  const { buildProgram, isCommanderExit } = await import('./program.js');
  const result = { code: 0 };
  const program = buildProgram(full, result);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (e) {
    if (isCommanderExit(e)) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    return reportError(e, full);
  }
}

function reportError(e: unknown, io: Pick<ProgramIO, 'stderr'>): number {
  const { text, code } = describeTopLevelError(e);
  io.stderr(text);
  return code;
}
