// The commander program: parses weft's own flags and hands each command to its module. No
// build logic here. Errors are WeftErrors printed by main(); usage errors exit 2.
import { Command, CommanderError, Option } from 'commander';
import { WeftError } from '../errors.js';
import { runDropInServer } from '../jobserver/drop-in.js';
import { envFlag } from '../weaving/build-context.js';
import { findGo } from '../weaving/prepare.js';
import { ensureShim } from '../install/ensure-shim.js';
import { registerCacheCommands } from './cache-command.js';
import { registerDaemonCommands } from './daemon-command.js';
import { runGoCommand } from './go-command.js';
import { resolveOptions, type WeftGlobalOptions } from '../build/options.js';
import { runToolexecCommand } from '../jobserver/node-shim.js';
import type { ProgramIO } from './program-io.js';
import type { WeaveCommandOptions } from '../weave/command.js';


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
        result.code = await runDropInServer({ socketPath: o.socket, goPid: pid, log: opts.log, env: io.env, configFlag: opts.config, stats: opts.stats !== 'off' });
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
      // Typed join points are decided as a build decides them: the oracle, the imports' export data.
      const [{ packageWeaver }, { silentLogger }] = await Promise.all([import('../weaving/package-types.js'), import('../log.js')]);
      const weaver: WeaveCommandOptions['weaver'] = (resolved, dir) => packageWeaver({ config: resolved, go: findGo(io.env), dir, env: io.env, flags: [], log: silentLogger() });
      result.code = await weaveCommand({ config, importPath: o.importPath, files, strict, weaver, ...(o.out !== undefined ? { out: o.out } : {}) });
    });

  program
    .command('explain')
    .description('explain what a build here would weave: into a package or file (each aspect: scope, package verdict, needles, matches and why not), or with --config the configuration files loaded')
    .argument('[target]', 'a package (import path, ./dir) or a .go file')
    .option('--config', 'list the configuration files a build in this directory loads, from where, in what order, with their aspect counts')
    .option('--aspect <id>', 'explain only this aspect')
    .option('--json', 'the explanation of the target as one JSON object')
    .option('--tags <tags>', 'build tags of the build (they decide which files and pinned packages are used)')
    .action(async (target: string | undefined, o: { config?: boolean; aspect?: string; json?: boolean; tags?: string }) => {
      if (o.config !== true && target === undefined) throw new WeftError('E_USAGE', '`weft explain` needs a package, a file or --config', { hint: 'weft explain ./internal/db, weft explain db.go --aspect sql-open, weft explain --config' });
      const goFlags = o.tags !== undefined ? [`-tags=${o.tags}`] : [];
      if (o.config === true) {
        const { runExplainConfig } = await import('./explain-config.js');
        result.code = await runExplainConfig({ env: io.env, cwd: io.cwd, configFlag: globals().config, stdout: io.stdout, goFlags });
      }
      if (target !== undefined) {
        const { runExplainCommand } = await import('./explain-command.js');
        result.code = await runExplainCommand({ target, aspect: o.aspect, json: o.json === true, configFlag: globals().config, goFlags, env: io.env, cwd: io.cwd, stdout: io.stdout });
      }
    });

  program
    .command('diff')
    .description('show what the configuration weaves into packages, as a unified diff against the original sources')
    .argument('[packages...]', 'packages as for go build (default: .)')
    .option('--stat', 'per-file counts of added and removed lines instead of the diff')
    .option('--color <when>', 'auto (on a terminal), always or never', 'auto')
    .option('--line-directives', 'keep the //line directives weft adds (hidden by default)')
    .action(async (patterns: string[], o: { stat?: boolean; color: string; lineDirectives?: boolean }) => {
      const { runDiffCommand } = await import('./diff-command.js');
      if (!['auto', 'always', 'never'].includes(o.color)) throw new WeftError('E_USAGE', `--color ${o.color}: use auto, always or never`);
      const color = o.color === 'always' || (o.color === 'auto' && process.stdout.isTTY === true && io.env['NO_COLOR'] === undefined);
      result.code = await runDiffCommand({
        patterns, stat: o.stat === true, color, lineDirectives: o.lineDirectives === true, configFlag: globals().config,
        env: io.env, cwd: io.cwd, stdout: io.stdout, stderr: io.stderr,
      });
    });

  registerCacheCommands(program, io, result);
  registerDaemonCommands(program, io, result);

  program
    .command('doctor')
    .description('check go, the shim, cache directories, the configuration, injected runtimes and GOFLAGS; exit 1 on a problem')
    .option('--json', 'the findings as one JSON object')
    .action(async (o: { json?: boolean }) => {
      const { runDoctorCommand } = await import('./doctor-command.js');
      result.code = await runDoctorCommand({ json: o.json === true, configFlag: globals().config, env: io.env, cwd: io.cwd, stdout: io.stdout });
    });

  program
    .command('prepare')
    .description('for CI images: build the shim and compile the packages the aspects inject into GOCACHE, as a build would')
    .argument('[args...]', 'go build flags (-race, -tags=…, as your builds use) and extra packages to warm')
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (args: string[]) => {
      const { runPrepareCommand } = await import('./prepare-command.js');
      result.code = await runPrepareCommand({ args, configFlag: globals().config, env: io.env, cwd: io.cwd, stderr: io.stderr });
    });

  program
    .command('pin')
    .description('make this module ready for a bundle of aspects: the tool file (orchestrion.tool.go), go.mod requirements, the `tool` directive from go 1.24; no argument: weft\'s OpenTelemetry pack, copied to .weft/otel')
    .argument('[bundles...]', 'import paths of bundles, each optionally @version (e.g. github.com/DataDog/dd-trace-go/orchestrion/all/v2@v2.6.0)')
    .option('--accept-upgrades', 'accept raising go.mod\'s go line or upgrading requirements it already has (pin stops and lists them otherwise)')
    .action(async (bundles: string[], o: { acceptUpgrades?: boolean }) => {
      const { pinBundles, locatePack } = await import('../pin/index.js');
      result.code = await pinBundles({
        bundles, acceptUpgrades: o.acceptUpgrades === true, cwd: io.cwd, env: io.env, go: findGo(io.env), pack: () => locatePack(io.env), out: (l) => io.stdout(`${l}\n`),
      });
    });

  program
    .command('unpin')
    .description('take out exactly what `weft pin` put in (go.mod, go.sum and the tool file as before); no argument: the OpenTelemetry pack')
    .argument('[bundles...]', 'import paths given to weft pin')
    .action(async (bundles: string[]) => {
      const { unpinBundles, locatePack } = await import('../pin/index.js');
      result.code = await unpinBundles({ bundles, cwd: io.cwd, env: io.env, go: findGo(io.env), pack: () => locatePack(io.env), out: (l) => io.stdout(`${l}\n`) });
    });

  program
    .command('version')
    .description('print the versions of weft, node and go, and the configuration\'s fingerprint')
    .option('--json', 'one JSON object')
    .action(async (o: { json?: boolean }) => {
      const { runVersionCommand } = await import('./version-command.js');
      result.code = await runVersionCommand({ json: o.json === true, configFlag: globals().config, env: io.env, cwd: io.cwd, stdout: io.stdout, stderr: io.stderr });
    });

  return program;
}

type WeaveCommand = (opts: WeaveCommandOptions) => Promise<number>;

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
