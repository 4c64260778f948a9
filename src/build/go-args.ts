// Reading a `weft go …` command line without understanding go's flags beyond what weft needs:
// where weft's own `--weft-*` flags are, the `-C dir` that go wants first, the subcommand, and
// whether the user already chose a -toolexec. Everything else reaches go untouched. go's own
// command line is read by the one parser in src/toolexec, which the server also uses.
import { isAbsolute, resolve } from 'node:path';
import { WeftError } from '../errors.js';
import { quoteGoField, readGoCommandLine, type GoCommand, type GoCommandLine } from '../toolexec/go-command-line.js';

/** Subcommands that compile or link, and so get weft's -toolexec. */
export const INSTRUMENTED_SUBCOMMANDS = new Set(['build', 'install', 'run', 'test', 'vet']);

export type StatsFormat = 'off' | 'text' | 'json';

export type ProgressSetting = 'auto' | 'on' | 'off';

export interface WeftGoFlags {
  config?: string;
  stats?: StatsFormat;
  progress?: ProgressSetting;
  strict?: boolean;
  logFile?: string;
  logLevel?: string;
  /** `off` disables the weave cache for this build (as WEFT_WEAVE_CACHE=off). */
  cache?: string;
  mode?: ModeSetting;
  /** `--weft-daemon=on|off`: build through the module's warm daemon (src/daemon/client.ts). */
  daemon?: DaemonSetting;
}

export type DaemonSetting = 'on' | 'off';

/** `--weft-daemon[=on|off]` and WEFT_DAEMON. */
export function parseDaemonSetting(value: string | undefined, what: string): DaemonSetting {
  if (value === undefined || /^(1|true|yes|on)$/i.test(value)) return 'on';
  if (/^(0|false|no|off)$/i.test(value)) return 'off';
  throw new WeftError('E_USAGE', `${what}=${value} is not a daemon setting`, { hint: 'use --weft-daemon=on or --weft-daemon=off' });
}

/**
 * `--weft-mode` / WEFT_MODE: hand go the woven files through -overlay (no toolexec), plan the
 * build (untouched packages keep plain go's keys), weave through toolexec alone, or let weft choose.
 */
export type ModeSetting = 'auto' | 'overlay' | 'planned' | 'toolexec';

export function parseModeSetting(value: string | undefined, what: string): ModeSetting {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'overlay' || value === 'planned' || value === 'toolexec') return value;
  throw new WeftError('E_USAGE', `${what}=${value} is not a build mode`, { hint: 'use --weft-mode=auto (the default), overlay, planned or toolexec' });
}

/** Every `--weft-*` flag `weft go` takes inside go's arguments (docs/usage.md's table is checked against it). */
export const WEFT_GO_FLAGS = ['weft-config', 'weft-mode', 'weft-stats', 'weft-strict', 'weft-progress', 'weft-daemon', 'weft-log-file', 'weft-log-level', 'weft-cache'] as const;

const WEFT_VALUE_FLAGS: Record<string, keyof WeftGoFlags> = {
  'weft-config': 'config',
  'weft-log-file': 'logFile',
  'weft-log-level': 'logLevel',
  'weft-cache': 'cache',
};

/** Takes `--weft-*` flags out of go's arguments (anywhere before a bare `--`). Unknown ones are an error. */
export function extractWeftFlags(args: readonly string[]): { goArgs: string[]; flags: WeftGoFlags } {
  const goArgs: string[] = [];
  const flags: WeftGoFlags = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      goArgs.push(...args.slice(i));
      break;
    }
    const m = /^--?(weft-[a-z-]+)(?:=(.*))?$/s.exec(a);
    if (m === null) {
      goArgs.push(a);
      continue;
    }
    const name = m[1]!;
    const inline = m[2];
    if (name === 'weft-stats') {
      flags.stats = parseStatsFormat(inline, `--${name}`);
      continue;
    }
    if (name === 'weft-strict') {
      flags.strict = inline === undefined ? true : !/^(0|false|no|off)$/i.test(inline);
      continue;
    }
    if (name === 'weft-mode') {
      flags.mode = parseModeSetting(inline ?? args[++i], `--${name}`);
      continue;
    }
    if (name === 'weft-daemon') {
      flags.daemon = parseDaemonSetting(inline, `--${name}`);
      continue;
    }
    if (name === 'weft-progress') {
      flags.progress = parseProgressSetting(inline, `--${name}`);
      continue;
    }
    const key = WEFT_VALUE_FLAGS[name];
    if (key === undefined) {
      throw new WeftError('E_USAGE', `unknown weft flag --${name}`, { hint: `weft flags are ${WEFT_GO_FLAGS.map((f) => `--${f}`).join(', ')} (see \`weft --help\`)` });
    }
    let value = inline;
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined) throw new WeftError('E_USAGE', `--${name} needs a value`);
      i++;
    }
    (flags as Record<string, unknown>)[key] = value;
  }
  return { goArgs, flags };
}

/** `--weft-stats[=text|json|off]` and WEFT_STATS: no value or a truthy one is text. */
export function parseStatsFormat(value: string | undefined, what: string): StatsFormat {
  if (value === undefined || value === '' || /^(1|true|yes|on|text)$/i.test(value)) return 'text';
  if (/^(0|false|no|off)$/i.test(value)) return 'off';
  if (/^json$/i.test(value)) return 'json';
  throw new WeftError('E_USAGE', `${what}=${value} is not a statistics format`, { hint: 'use --weft-stats (text) or --weft-stats=json' });
}

/** `--weft-progress[=on|off|auto]` and WEFT_PROGRESS: no value means on (also on a non-terminal). */
export function parseProgressSetting(value: string | undefined, what: string): ProgressSetting {
  if (value === undefined || /^(1|true|yes|on)$/i.test(value)) return 'on';
  if (/^(0|false|no|off)$/i.test(value)) return 'off';
  if (value === '' || /^auto$/i.test(value)) return 'auto';
  throw new WeftError('E_USAGE', `${what}=${value} is not a progress setting`, { hint: 'use --weft-progress (on), --weft-progress=off or =auto (on a terminal only)' });
}

export interface GoInvocation {
  /** The command line as go reads it (src/toolexec/go-command-line.ts). */
  line: GoCommandLine;
  /** Arguments before the subcommand (`-C dir`). */
  pre: string[];
  /** The directory go will run in: -C resolved against cwd. */
  dir: string;
  /** The subcommand ('' when there is none, e.g. `weft go` or `weft go -h`). */
  sub: string;
  /** Everything after the subcommand. */
  rest: string[];
  /** True when the subcommand compiles (build/install/run/test/vet). */
  instrument: boolean;
}

export function parseGoInvocation(args: readonly string[], cwd: string): GoInvocation {
  const cmd = readGoCommandLine(args);
  // go accepts -C only as the very first flag; mirror that so weft finds the same module.
  if (cmd.pre.length > 0 && cmd.dir === null) {
    throw new WeftError('E_USAGE', 'go flag -C needs a directory', { hint: 'write `weft go -C <dir> build ...`' });
  }
  const pre = [...cmd.pre];
  const dir = cmd.dir === null ? cwd : isAbsolute(cmd.dir) ? cmd.dir : resolve(cwd, cmd.dir);
  if (cmd.subcommand === '') return { line: cmd, pre, dir, sub: '', rest: args.slice(pre.length), instrument: false };
  return { line: cmd, pre, dir, sub: cmd.subcommand, rest: args.slice(pre.length + 1), instrument: INSTRUMENTED_SUBCOMMANDS.has(cmd.subcommand) };
}

/** Fails when the user set a -toolexec of their own: weft cannot chain it and must not drop it silently. */
export function checkNoUserToolexec(inv: Pick<GoInvocation, 'sub'>, cmd: GoCommand): void {
  const given = cmd.toolexec;
  if (given === null) return;
  if (given.from === 'command line') {
    throw new WeftError('E_USAGE', `\`weft go ${inv.sub}\` sets -toolexec itself, but the command line already has -toolexec=${given.value}`, {
      hint: 'drop your -toolexec, or use drop-in mode (`go build -toolexec=$(weft toolexec-path)`) without `weft go`',
    });
  }
  throw new WeftError('E_USAGE', `\`weft go ${inv.sub}\` sets -toolexec itself, but GOFLAGS already has -toolexec=${given.value}`, {
    hint: 'remove -toolexec from GOFLAGS when building through `weft go` (unset it, or `go env -u GOFLAGS` where `go env -w` set it; GOFLAGS=-toolexec=... alone is drop-in mode)',
  });
}

/**
 * go's argument list with weft's -toolexec right after the subcommand, and `lastFlags` (a
 * planned build's marks) after every flag of the user's, since go takes the last per-package
 * flag that matches a package.
 */
export function withToolexec(inv: GoInvocation, shim: string, lastFlags: readonly string[] = []): string[] {
  if (!inv.instrument) return [...inv.pre, ...(inv.sub !== '' ? [inv.sub] : []), ...inv.rest];
  return withLastFlags(inv, [`-toolexec=${quoteToolexec(shim)}`], lastFlags);
}

/** go's argument list with `firstFlags` right after the subcommand and `lastFlags` after the user's flags (an overlay build: no toolexec). */
export function withLastFlags(inv: GoInvocation, firstFlags: readonly string[], lastFlags: readonly string[]): string[] {
  const end = inv.line.flagsEnd - inv.pre.length - 1;
  return [...inv.pre, inv.sub, ...firstFlags, ...inv.rest.slice(0, end), ...lastFlags, ...inv.rest.slice(end)];
}

/** go splits -toolexec into words (quotes allowed), so a path with spaces must be quoted (otelc #1207). */
export function quoteToolexec(path: string): string {
  try {
    return quoteGoField(path);
  } catch {
    throw new WeftError('E_USAGE', `the shim path ${path} contains both quote characters; go cannot run it as -toolexec`, { hint: 'set WEFT_CACHE to a simpler directory' });
  }
}
