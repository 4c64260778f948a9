// Reading a `weft go …` command line without understanding go's flags beyond what weft needs:
// where weft's own `--weft-*` flags are, the `-C dir` that go wants first, the subcommand, and
// whether the user already chose a -toolexec. Everything else reaches go untouched.
import { isAbsolute, resolve } from 'node:path';
import { WeftError } from '../errors.js';

/** Subcommands that compile or link, and so get weft's -toolexec. */
export const INSTRUMENTED_SUBCOMMANDS = new Set(['build', 'install', 'run', 'test', 'vet']);

export interface WeftGoFlags {
  config?: string;
  stats?: boolean;
  strict?: boolean;
  logFile?: string;
  logLevel?: string;
}

const WEFT_VALUE_FLAGS: Record<string, keyof WeftGoFlags> = {
  'weft-config': 'config',
  'weft-log-file': 'logFile',
  'weft-log-level': 'logLevel',
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
    if (name === 'weft-stats' || name === 'weft-strict') {
      flags[name === 'weft-stats' ? 'stats' : 'strict'] = inline === undefined ? true : !/^(0|false|no|off)$/i.test(inline);
      continue;
    }
    const key = WEFT_VALUE_FLAGS[name];
    if (key === undefined) {
      throw new WeftError('E_USAGE', `unknown weft flag --${name}`, { hint: 'weft flags are --weft-config, --weft-stats, --weft-strict, --weft-log-file, --weft-log-level (see `weft --help`)' });
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

export interface GoInvocation {
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
  const pre: string[] = [];
  let dir = cwd;
  let i = 0;
  // go accepts -C only as the very first flag; mirror that so weft finds the same module.
  const first = args[0];
  if (first === '-C' || first === '--C') {
    const d = args[1];
    if (d === undefined) throw new WeftError('E_USAGE', 'go flag -C needs a directory', { hint: 'write `weft go -C <dir> build ...`' });
    pre.push(first, d);
    dir = isAbsolute(d) ? d : resolve(cwd, d);
    i = 2;
  } else if (first !== undefined && /^--?C=/.test(first)) {
    const d = first.slice(first.indexOf('=') + 1);
    pre.push(first);
    dir = isAbsolute(d) ? d : resolve(cwd, d);
    i = 1;
  }
  const sub = args[i] ?? '';
  if (sub.startsWith('-')) return { pre, dir, sub: '', rest: args.slice(i), instrument: false };
  return { pre, dir, sub, rest: args.slice(i + 1), instrument: INSTRUMENTED_SUBCOMMANDS.has(sub) };
}

/** go build/test flags that take a separate value (`-o out`), so the scan for -toolexec skips it. */
const GO_VALUE_FLAGS = new Set([
  'o', 'p', 'tags', 'gcflags', 'ldflags', 'asmflags', 'buildmode', 'compiler', 'gccgoflags', 'installsuffix', 'mod',
  'modfile', 'overlay', 'pgo', 'pkgdir', 'toolexec', 'covermode', 'coverpkg', 'exec', 'run', 'bench', 'count', 'cpu',
  'parallel', 'timeout', 'benchtime', 'coverprofile', 'cpuprofile', 'memprofile', 'memprofilerate', 'blockprofile',
  'blockprofilerate', 'mutexprofile', 'mutexprofilefraction', 'outputdir', 'trace', 'fuzz', 'fuzztime',
  'fuzzminimizetime', 'shuffle', 'list', 'skip', 'vettool', 'debug-actiongraph', 'debug-trace', 'debug-runtime-trace',
  'reuse', 'json',
]);
const GO_BOOL_FLAGS_WITH_VALUES = new Set(['json']);

/** The -toolexec the user gave on the command line (before the package list), if any. */
export function findUserToolexec(rest: readonly string[]): string | null {
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--' || !a.startsWith('-')) return null;
    const m = /^--?([A-Za-z0-9_.-]+)(=.*)?$/s.exec(a);
    if (m === null) continue;
    const name = m[1]!;
    if (name === 'toolexec') return m[2] !== undefined ? m[2].slice(1) : rest[i + 1] ?? '';
    if (m[2] === undefined && GO_VALUE_FLAGS.has(name) && !GO_BOOL_FLAGS_WITH_VALUES.has(name)) i++;
  }
  return null;
}

/** The -toolexec in GOFLAGS, if any (GOFLAGS is a space-separated list of -flag=value). */
export function findGoflagsToolexec(goflags: string | undefined): string | null {
  if (goflags === undefined) return null;
  for (const f of goflags.split(/\s+/)) {
    const m = /^--?toolexec(?:=(.*))?$/s.exec(f);
    if (m !== null) return m[1] ?? '';
  }
  return null;
}

/** Fails when the user set a -toolexec of their own: weft cannot chain it and must not drop it silently. */
export function checkNoUserToolexec(inv: GoInvocation, goflags: string | undefined): void {
  const given = findUserToolexec(inv.rest);
  if (given !== null) {
    throw new WeftError('E_USAGE', `\`weft go ${inv.sub}\` sets -toolexec itself, but the command line already has -toolexec=${given}`, {
      hint: 'drop your -toolexec, or use drop-in mode (`go build -toolexec=$(weft toolexec-path)`) without `weft go`',
    });
  }
  const fromEnv = findGoflagsToolexec(goflags);
  if (fromEnv !== null) {
    throw new WeftError('E_USAGE', `\`weft go ${inv.sub}\` sets -toolexec itself, but GOFLAGS already has -toolexec=${fromEnv}`, {
      hint: 'remove -toolexec from GOFLAGS when building through `weft go` (GOFLAGS=-toolexec=... alone is drop-in mode)',
    });
  }
}

/** go's argument list with weft's -toolexec right after the subcommand. */
export function withToolexec(inv: GoInvocation, shim: string): string[] {
  if (!inv.instrument) return [...inv.pre, ...(inv.sub !== '' ? [inv.sub] : []), ...inv.rest];
  return [...inv.pre, inv.sub, `-toolexec=${quoteToolexec(shim)}`, ...inv.rest];
}

/** go splits -toolexec into words (quotes allowed), so a path with spaces must be quoted (otelc #1207). */
export function quoteToolexec(path: string): string {
  if (!/[\s'"]/.test(path)) return path;
  if (!path.includes("'")) return `'${path}'`;
  if (!path.includes('"')) return `"${path}"`;
  throw new WeftError('E_USAGE', `the shim path ${path} contains both quote characters; go cannot run it as -toolexec`, { hint: 'set WEFT_CACHE to a simpler directory' });
}
