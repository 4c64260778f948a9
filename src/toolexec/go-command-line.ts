// The one reader of go command lines and of GOFLAGS: every part of weft that needs to know a
// flag of the go command (planning, cover detection, overlay, -toolexec, weave keys, the daemon's
// plan key, injection's nested go runs) reads the one immutable GoCommand made here, from the
// command line and GOFLAGS as go itself reads them (the environment's, else the GOENV file's that
// `go env -w` writes: the caller asks `go env GOFLAGS`). No other module parses either (a unit
// test checks). It follows cmd/go: -C only first; flags in any order; `go test` also takes flags
// after the packages, other subcommands stop at the first non-flag (for `go run` the rest belongs
// to the program); every occurrence is kept in order, because per-package flags
// (-gcflags/-ldflags/-asmflags/-gccgoflags) accumulate and each package gets the last pattern
// that matches it, while scalar flags (-tags, -mod, ...) are last-wins.
import { WeftError } from '../errors.js';

/**
 * The flags of the go command that take a value as the next argument (`-o out`), by subcommand;
 * every other flag is boolean. A value flag missing here would make its value a package
 * (`-newflag v ./...`), a boolean one listed here would swallow the first package: a unit test
 * checks the tables against `go help build`, `go help test`, `go help testflag`, `go help vet`
 * and `go tool vet -flags` of the toolchain under test.
 */
const BUILD_VALUE_FLAGS = [
  'o', 'p', 'tags', 'gcflags', 'ldflags', 'asmflags', 'gccgoflags', 'buildmode', 'compiler', 'installsuffix', 'mod',
  'modfile', 'overlay', 'pgo', 'pkgdir', 'toolexec', 'covermode', 'coverpkg',
  // Undocumented (cmd/go/internal/work/build.go), value flags all the same.
  'debug-actiongraph', 'debug-deprecated-importcfg', 'debug-runtime-trace', 'debug-trace',
];
/** go test's own flags and the test binary's (`go help test`, `go help testflag`). */
const TEST_VALUE_FLAGS = [
  'exec', 'vet', 'run', 'skip', 'bench', 'benchtime', 'count', 'cpu', 'parallel', 'timeout', 'coverprofile', 'cpuprofile',
  'memprofile', 'memprofilerate', 'blockprofile', 'blockprofilerate', 'mutexprofile', 'mutexprofilefraction', 'outputdir',
  'trace', 'shuffle', 'fuzz', 'fuzztime', 'fuzzminimizetime', 'list',
];
/** go vet's (`go help vet`) and its analysis tool's (`go tool vet -flags`). */
const VET_VALUE_FLAGS = ['vettool', 'c', 'printf.funcs', 'printfuncs', 'tags', 'unusedfuncs', 'unusedresult.funcs', 'unusedresult.stringmethods', 'unusedstringmethods'];

const GO_VALUE_FLAGS: Readonly<Record<string, ReadonlySet<string>>> = {
  test: new Set([...BUILD_VALUE_FLAGS, ...TEST_VALUE_FLAGS]),
  run: new Set([...BUILD_VALUE_FLAGS, 'exec']),
  vet: new Set([...BUILD_VALUE_FLAGS, ...VET_VALUE_FLAGS]),
};
const BUILD_VALUE_SET: ReadonlySet<string> = new Set(BUILD_VALUE_FLAGS);

/** Whether go's `subcommand` takes the value of flag `name` (no dashes, no `test.`) from the next argument. */
export function goFlagTakesValue(subcommand: string, name: string): boolean {
  return (GO_VALUE_FLAGS[subcommand] ?? BUILD_VALUE_SET).has(name);
}

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

export interface GoCommandLine {
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

function parseFlag(subcommand: string, a: string, next: string | undefined): { flag: GoFlag; consumed: number } {
  const body = a.replace(/^--?/, '');
  const eq = body.indexOf('=');
  if (eq >= 0) return { flag: { name: body.slice(0, eq).replace(/^test\./, ''), value: body.slice(eq + 1) }, consumed: 1 };
  const name = body.replace(/^test\./, '');
  if (goFlagTakesValue(subcommand, name) && next !== undefined) return { flag: { name, value: next }, consumed: 2 };
  return { flag: { name, value: true }, consumed: 1 };
}

/** Reads the arguments after `go` (the command line alone: what is known before `go env` can run, i.e. -C). */
export function readGoCommandLine(args: readonly string[]): GoCommandLine {
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
    const { flag, consumed } = parseFlag(subcommand, a, args[i + 1]);
    flags.push(flag);
    i += consumed - 1;
  }
  return Object.freeze({ pre: Object.freeze(pre), dir, subcommand, flags: Object.freeze(flags), packages: Object.freeze(packages), flagsEnd }) as GoCommandLine;
}

/** How many of `go run`'s arguments name the package: its leading .go files, else one. */
function runPackageLength(args: readonly string[]): number {
  if (!args[0]!.endsWith('.go')) return 1;
  const n = args.findIndex((a) => !a.endsWith('.go'));
  return n < 0 ? args.length : n;
}

/** The flags of a GOFLAGS value (each field is one `-flag` or `-flag=value`, never two words). */
function parseGoflags(goflags: string | undefined): GoFlag[] {
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

/**
 * One go command as go will run it: the command line, GOFLAGS as go reads them, and what weft
 * derives from both the way go does (the command line after GOFLAGS, the last value wins; go's
 * defaults where neither says).
 */
export interface GoCommand extends GoCommandLine {
  /** GOFLAGS as go reads them: the environment's, else the GOENV file's (`go env GOFLAGS`). */
  readonly goflags: string;
  /** The flags of `goflags`. */
  readonly goflagsFlags: readonly GoFlag[];
  /** GOFLAGS' flags, then the command line's: the order in which go applies them. */
  readonly allFlags: readonly GoFlag[];
  /** The build's -toolexec and where it comes from: the command line wins over GOFLAGS. */
  readonly toolexec: { readonly value: string; readonly from: 'command line' | 'GOFLAGS' } | null;
  /** Coverage is on: -cover, or -coverpkg/-covermode (which imply it), from either source. */
  readonly cover: boolean;
  /** -covermode, else go's default (atomic under -race, else set); '' without coverage. */
  readonly coverMode: string;
  /** -tags, normalised: sorted, comma-separated, without duplicates. */
  readonly tags: string;
  /** The user's -overlay file as given ('' when none). */
  readonly overlay: string;
  /** The last value of a flag (GOFLAGS, then the command line), or undefined. */
  last(name: string): string | true | undefined;
}

/** The model of one go command: `line` read from the arguments, `goflags` as `go env GOFLAGS` says. */
export function modelGoCommand(line: GoCommandLine, goflags: string | undefined): GoCommand {
  const text = goflags ?? '';
  const fromEnv = Object.freeze(parseGoflags(text));
  const allFlags = Object.freeze([...fromEnv, ...line.flags]);
  const last = (name: string): string | true | undefined => lastFlag(allFlags, name);
  const lineToolexec = lastFlag(line.flags, 'toolexec');
  const envToolexec = lastFlag(fromEnv, 'toolexec');
  const toolexec = lineToolexec !== undefined
    ? { value: lineToolexec === true ? '' : lineToolexec, from: 'command line' as const }
    : envToolexec !== undefined ? { value: envToolexec === true ? '' : envToolexec, from: 'GOFLAGS' as const } : null;
  const isOn = (v: string | true | undefined): boolean => v !== undefined && v !== 'false' && v !== '0' && v !== 'F' && v !== 'f' && v !== 'FALSE' && v !== 'False';
  // As go sets them in order: -coverpkg and -covermode turn -cover on (cmd/go's coverFlag).
  let cover = false;
  for (const f of allFlags) {
    if (f.name === 'cover') cover = isOn(f.value);
    else if (f.name === 'coverpkg' || f.name === 'covermode') cover = true;
  }
  const mode = last('covermode');
  const coverMode = !cover ? '' : typeof mode === 'string' && mode !== '' ? mode : isOn(last('race')) ? 'atomic' : 'set';
  const tagsFlag = last('tags');
  const tags = [...new Set((typeof tagsFlag === 'string' ? tagsFlag : '').split(/[,\s]+/).filter((t) => t !== ''))].sort().join(',');
  const overlay = last('overlay');
  return Object.freeze({
    ...line,
    goflags: text,
    goflagsFlags: fromEnv,
    allFlags,
    toolexec: toolexec === null ? null : Object.freeze(toolexec),
    cover,
    coverMode,
    tags,
    overlay: typeof overlay === 'string' ? overlay : '',
    last,
  });
}

/** readGoCommandLine and modelGoCommand in one. */
export function readGoCommand(args: readonly string[], goflags: string | undefined): GoCommand {
  return modelGoCommand(readGoCommandLine(args), goflags);
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
