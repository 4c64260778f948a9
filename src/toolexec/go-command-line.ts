// The one reader of go command lines and of GOFLAGS, for `weft go` (where is -C, the
// subcommand, a user -toolexec) and for the build flags an inner `go list` must repeat. It
// follows cmd/go: -C only first; flags in any order; `go test`/`go vet` also take flags after
// the packages, other subcommands stop at the first non-flag (for `go run` the rest belongs to
// the program); every occurrence is kept in order, because per-package flags
// (-gcflags/-ldflags/-asmflags/-gccgoflags) accumulate and each package gets the last pattern
// that matches it, while scalar flags (-tags, -mod, ...) are last-wins.
import { WeftError } from '../errors.js';

/** Flags of go build / go test (and the test binary) that take a value as the next argument. */
const VALUE_FLAGS = new Set([
  'C', 'o', 'p', 'tags', 'gcflags', 'ldflags', 'asmflags', 'gccgoflags', 'buildmode', 'compiler', 'installsuffix', 'mod',
  'modfile', 'overlay', 'pgo', 'pkgdir', 'toolexec', 'covermode', 'coverpkg', 'exec', 'vet', 'run', 'skip', 'bench',
  'benchtime', 'count', 'cpu', 'parallel', 'timeout', 'coverprofile', 'cpuprofile', 'memprofile', 'memprofilerate',
  'blockprofile', 'blockprofilerate', 'mutexprofile', 'mutexprofilefraction', 'outputdir', 'trace', 'shuffle', 'fuzz',
  'fuzztime', 'fuzzminimizetime', 'list', 'debug-actiongraph', 'debug-deprecated-importcfg', 'debug-runtime-trace',
  'debug-trace', 'reuse', 'vettool', 'f', 'fullpath',
]);

/** Flags that go accumulates: every occurrence counts, in order (cmd/go/internal/load.PerPackageFlag). */
export const PER_PACKAGE_FLAGS = new Set(['gcflags', 'ldflags', 'asmflags', 'gccgoflags']);

/**
 * Subcommands whose flags may follow the package list: go test only (`go vet ./x -overlay=f`
 * fails with "malformed import path", checked with go 1.26).
 */
const FLAGS_AFTER_PACKAGES = new Set(['test']);

export interface GoFlag {
  /** Without dashes, and without go test's `test.` prefix. */
  name: string;
  /** `true` for a flag given without a value (`-race`). */
  value: string | true;
}

export interface ParsedGoCommand {
  /** Arguments before the subcommand (`-C dir`). */
  pre: string[];
  /** The -C directory as given, or null (also for a -C without its directory). */
  dir: string | null;
  /** `build`, `test`, ... ('' when there is none). */
  subcommand: string;
  /** Every flag after the subcommand, in command-line order. */
  flags: GoFlag[];
  /** Package patterns (for `go run`: the first non-flag and what follows is the program's). */
  packages: string[];
  /** Index in the arguments where a flag inserted follows every flag of the user (before the packages, or before `-args`). */
  flagsEnd: number;
}

function parseFlag(a: string, next: string | undefined): { flag: GoFlag; consumed: number } {
  const body = a.replace(/^--?/, '');
  const eq = body.indexOf('=');
  if (eq >= 0) return { flag: { name: body.slice(0, eq).replace(/^test\./, ''), value: body.slice(eq + 1) }, consumed: 1 };
  const name = body.replace(/^test\./, '');
  if (VALUE_FLAGS.has(name) && next !== undefined) return { flag: { name, value: next }, consumed: 2 };
  return { flag: { name, value: true }, consumed: 1 };
}

/** Parses the arguments after `go`. */
export function parseGoCommand(args: readonly string[]): ParsedGoCommand {
  const pre: string[] = [];
  let dir: string | null = null;
  let i = 0;
  const first = args[0];
  if (first === '-C' || first === '--C') {
    // A missing directory is go's error to report; the caller that must refuse it checks `dir`.
    const d = args[1];
    pre.push(first, ...(d !== undefined ? [d] : []));
    dir = d ?? null;
    i = pre.length;
  } else if (first !== undefined && /^--?C=/.test(first)) {
    pre.push(first);
    dir = first.slice(first.indexOf('=') + 1);
    i = 1;
  }
  let subcommand = '';
  if (args[i] !== undefined && !args[i]!.startsWith('-')) subcommand = args[i++]!;
  const flags: GoFlag[] = [];
  const packages: string[] = [];
  const flagsAfter = FLAGS_AFTER_PACKAGES.has(subcommand);
  let flagsEnd = args.length;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-args' || a === '--args' || a === '--') {
      flagsEnd = i;
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      if (!flagsAfter) {
        flagsEnd = i;
        packages.push(...args.slice(i).filter((p) => p !== '--'));
        // go run's package is its leading .go files, or the first argument; the rest is the program's.
        if (subcommand === 'run') packages.splice(runPackageLength(packages));
        break;
      }
      packages.push(a);
      continue;
    }
    const { flag, consumed } = parseFlag(a, args[i + 1]);
    flags.push(flag);
    i += consumed - 1;
  }
  return { pre, dir, subcommand, flags, packages, flagsEnd };
}

/** How many of `go run`'s arguments name the package: its leading .go files, else one. */
function runPackageLength(args: readonly string[]): number {
  if (!args[0]!.endsWith('.go')) return 1;
  const n = args.findIndex((a) => !a.endsWith('.go'));
  return n < 0 ? args.length : n;
}

/** The flags of a GOFLAGS value (each field is one `-flag` or `-flag=value`, never two words). */
export function parseGoflags(goflags: string | undefined): GoFlag[] {
  const out: GoFlag[] = [];
  for (const f of splitGoflags(goflags ?? '')) {
    if (!f.startsWith('-')) {
      throw new WeftError('E_USAGE', `GOFLAGS entry ${JSON.stringify(f)} is not a flag`, { hint: 'GOFLAGS holds -flag=value entries only (see `go help environment`)' });
    }
    const body = f.replace(/^--?/, '');
    const eq = body.indexOf('=');
    out.push(eq >= 0 ? { name: body.slice(0, eq), value: body.slice(eq + 1) } : { name: body, value: true });
  }
  return out;
}

/** The value of the last occurrence of a flag, or undefined. */
export function lastFlag(flags: readonly GoFlag[], name: string): string | true | undefined {
  for (let i = flags.length - 1; i >= 0; i--) if (flags[i]!.name === name) return flags[i]!.value;
  return undefined;
}

/** Where the build's -toolexec comes from: the command line wins over GOFLAGS, as in go. */
export function findToolexec(args: readonly string[], goflags: string | undefined): { value: string; from: 'command line' | 'GOFLAGS' } | null {
  const cmd = lastFlag(parseGoCommand(args).flags, 'toolexec');
  if (cmd !== undefined) return { value: cmd === true ? '' : cmd, from: 'command line' };
  const env = lastFlag(parseGoflags(goflags), 'toolexec');
  if (env !== undefined) return { value: env === true ? '' : env, from: 'GOFLAGS' };
  return null;
}

const isGoSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * Splits GOFLAGS (and -toolexec, -gcflags values) the way the go command does
 * (cmd/internal/quoted.Split): fields separated by spaces, a field may be wrapped in single or
 * double quotes so it can hold spaces; nothing is unescaped.
 */
export function splitGoflags(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (isGoSpace(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) throw new WeftError('E_USAGE', `GOFLAGS has an unterminated ${c} quote: ${s}`, { hint: 'close the quote in GOFLAGS (go env GOFLAGS)' });
      out.push(s.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !isGoSpace(s[j]!)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** One field quoted so that splitGoflags gives it back (cmd/internal/quoted.Join). */
export function quoteGoField(f: string): string {
  if (f !== '' && !/[ \t\n\r'"]/.test(f)) return f;
  if (!f.includes("'")) return `'${f}'`;
  if (!f.includes('"')) return `"${f}"`;
  throw new WeftError('E_USAGE', `${f} contains both quote characters; go cannot split it back into one word`, { hint: 'use a path or value without quote characters' });
}

/** Joins fields for GOFLAGS or -toolexec, quoting those that contain spaces (otelc #1207). */
export function joinGoflags(fields: readonly string[]): string {
  return fields.map(quoteGoField).join(' ');
}
