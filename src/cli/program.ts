// The commander program: parses weft's own flags and hands each command to its module. No
// build logic here. Errors are WeftErrors printed by main(); usage errors exit 2.
import { Command, CommanderError, Option } from 'commander';
import { WeftError } from '../errors.js';
import { envFlag, findGo, runDropInServer, weftVersion } from '../server/index.js';
import { ensureShim } from '../server/ensure-shim.js';
import { runGoCommand } from './go-command.js';
import { resolveOptions, type WeftGlobalOptions } from './options.js';
import { runToolexecCommand } from './toolexec-command.js';

export interface ProgramIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where command results go (`toolexec-path`, `version`); never used by `weft go`. */
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Builds the program; `result.code` holds the exit code of the command that ran. */
export function buildProgram(io: ProgramIO, result: { code: number }): Command {
  const program = new Command('weft');
  program
    .description('Compile-time instrumentation for Go: weaves aspects into packages while go builds them.')
    .option('--config <file>', 'aspect configuration (default: $WEFT_CONFIG, else weft.yml next to go.mod)')
    .option('--weft-stats', 'print build statistics to stderr at the end (env WEFT_STATS=1)')
    .option('--weft-strict', 'fail the compile of a package where an aspect could not be decided or woven, instead of a warning (env WEFT_STRICT=1; use in CI)')
    .option('--log-file <file>', 'write weft logs to this file instead of stderr (env WEFT_LOG_FILE)')
    .addOption(new Option('--log-level <level>', 'error, warn, info or debug (env WEFT_LOG)'))
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(`weft: ${s.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true);

  const globals = (): WeftGlobalOptions => {
    const o = program.opts<{ config?: string; weftStats?: boolean; weftStrict?: boolean; logFile?: string; logLevel?: string }>();
    return { config: o.config, stats: o.weftStats, strict: o.weftStrict, logFile: o.logFile, logLevel: o.logLevel };
  };

  program
    .command('go')
    .description('run a go command with weft instrumentation (build, install, run, test and vet get -toolexec)')
    .argument('[args...]', 'the go subcommand and its arguments, passed through untouched')
    .allowUnknownOption()
    .passThroughOptions()
    .helpOption(false)
    .action(async (args: string[]) => {
      result.code = await runGoCommand({ args, globals: globals(), env: io.env, cwd: io.cwd });
    });

  program
    .command('toolexec')
    .description('run one tool the way the shim would (for -toolexec="weft toolexec"; slower than the shim)')
    .argument('<tool>', 'absolute path of the tool, as the go command passes it')
    .argument('[args...]', 'the tool arguments')
    .allowUnknownOption()
    .passThroughOptions()
    .helpOption(false)
    .action(async (tool: string, args: string[]) => {
      const opts = resolveOptions(globals(), io.env);
      try {
        result.code = await runToolexecCommand({ tool, args, configFlag: opts.config, log: opts.log, env: io.env, cwd: io.cwd });
      } finally {
        opts.log.close();
      }
    });

  program
    .command('toolexec-path')
    .description('print the path of the shim for `go build -toolexec=...` (building it on first use)')
    .action(async () => {
      const shim = await ensureShim({ go: findGo(io.env), env: io.env });
      io.stdout(`${shim}\n`);
      result.code = 0;
    });

  program
    .command('server')
    .description('run a job server (started by the shim in drop-in mode)')
    .requiredOption('--drop-in', 'serve one go process (the only mode so far)')
    .requiredOption('--socket <path>', 'unix socket to listen on (its directory must exist)')
    .requiredOption('--go-pid <pid>', 'the go process to serve; the server exits when it does')
    .action(async (o: { socket: string; goPid: string }) => {
      const pid = Number(o.goPid);
      if (!Number.isSafeInteger(pid) || pid <= 0) throw new WeftError('E_USAGE', `--go-pid must be a process id, got ${JSON.stringify(o.goPid)}`);
      const g = globals();
      const opts = resolveOptions({ ...g, logLevel: g.logLevel ?? io.env['WEFT_LOG'] ?? 'info' }, io.env);
      try {
        result.code = await runDropInServer({ socketPath: o.socket, goPid: pid, log: opts.log, env: io.env, configFlag: opts.config, stats: opts.stats });
      } finally {
        opts.log.close();
      }
    });

  program
    .command('weave')
    .description('weave Go files as a build would and print the result (or write it to --out)')
    .requiredOption('--import-path <path>', 'import path of the package the files belong to')
    .option('--out <dir>', 'write woven files into this directory instead of stdout')
    .option('--config <file>', 'aspect configuration')
    .argument('<files...>', 'Go source files of one package')
    .action(async (files: string[], o: { importPath: string; out?: string; config?: string }) => {
      const config = o.config ?? globals().config ?? io.env['WEFT_CONFIG'];
      if (config === undefined || config === '') throw new WeftError('E_USAGE', '`weft weave` needs --config <file>');
      const weaveCommand = await loadWeaveCommand();
      const strict = globals().strict ?? envFlag(io.env['WEFT_STRICT']);
      result.code = await weaveCommand({ config, importPath: o.importPath, files, strict, ...(o.out !== undefined ? { out: o.out } : {}) });
    });

  program
    .command('explain')
    .description('explain what a build here would weave: --config lists the configuration files loaded, in order')
    .option('--config', 'list the configuration files a build in this directory loads, from where, in what order, with their aspect counts')
    .option('--tags <tags>', 'build tags of the build (they decide which packages orchestrion.tool.go files resolve to)')
    .action(async (o: { config?: boolean; tags?: string }) => {
      if (o.config !== true) throw new WeftError('E_USAGE', '`weft explain` needs --config');
      const { runExplainConfig } = await import('./explain-config.js');
      result.code = await runExplainConfig({
        env: io.env, cwd: io.cwd, configFlag: globals().config, stdout: io.stdout,
        ...(o.tags !== undefined ? { goFlags: [`-tags=${o.tags}`] } : {}),
      });
    });

  program
    .command('version')
    .description('print weft\'s version')
    .action(() => {
      io.stdout(`weft ${weftVersion()}\n`);
      result.code = 0;
    });

  return program;
}

type WeaveCommand = (opts: { config: string; importPath: string; out?: string; files: string[]; strict?: boolean }) => Promise<number>;

/** src/weave/command.ts is written by the weaver; loaded lazily so the CLI starts fast and builds without it. */
async function loadWeaveCommand(): Promise<WeaveCommand> {
  const spec = '../weave/command.js';
  let mod: { weaveCommand?: WeaveCommand };
  try {
    mod = (await import(spec)) as { weaveCommand?: WeaveCommand };
  } catch (e) {
    throw new WeftError('E_UNSUPPORTED', `\`weft weave\` is not available in this build: ${(e as Error).message}`);
  }
  if (typeof mod.weaveCommand !== 'function') throw new WeftError('E_UNSUPPORTED', '`weft weave` is not available in this build (src/weave/command.ts exports no weaveCommand)');
  return mod.weaveCommand;
}

export function isCommanderExit(e: unknown): e is CommanderError {
  return e instanceof CommanderError;
}
