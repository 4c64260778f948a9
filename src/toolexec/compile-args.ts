// Understanding a `compile` command line well enough to weave: where the sources, the
// importcfg and the output are. Only the flags weft needs are interpreted; every other flag is
// passed through untouched, so a compiler flag weft has never heard of cannot break a build.
import { readFileSync } from 'node:fs';
import { WeftError } from '../errors.js';

/** compile flags that take their value as the next argument when not written `-flag=value`. */
const VALUE_FLAGS = new Set([
  'o', 'p', 'importcfg', 'embedcfg', 'trimpath', 'buildid', 'goversion', 'lang', 'D', 'I',
  'asmhdr', 'symabis', 'c', 'pgoprofile', 'installsuffix', 'linkobj', 'coveragecfg', 'env',
  'json', 'memprofile', 'cpuprofile', 'traceprofile', 'blockprofile', 'mutexprofile', 'bench',
  'spectre', 'd',
]);
/** Boolean flags among the above: they never consume the next argument. */
const BOOL_FLAGS = new Set(['race', 'msan', 'asan', 'shared', 'dynlink', 'std', 'complete', 'pack', 'nolocalimports', 'N', 'l', 'B', 'S', 'K', 'e', 'h', 'w', 'm', 'v', 'r', 'wb', 'smallframes', 'live', 'dwarf', 'dwarflocationlists', 't', 'j', 'linkshared', 'E', 'W', 'A', 'C', 'clobberdead', 'clobberdeadreg']);

export interface CompileCommand {
  /** The argument list with any @response file expanded. */
  args: string[];
  /** -p: the package path (`main` for commands and test mains). */
  packagePath: string;
  /** -o: the archive to write ($WORK/bNNN/_pkg_.a). */
  output: string;
  importcfg: string | null;
  embedcfg: string | null;
  /** -lang value without the `-lang=` ('' when absent). */
  lang: string;
  /** -trimpath value (the rewrite rules) or null. */
  trimpath: string | null;
  isStd: boolean;
  complete: boolean;
  /** Positional Go source files, with their index in `args`. */
  goFiles: { index: number; path: string }[];
  /** Index in `args` where the positional file list starts. */
  filesStart: number;
}

/** Expands `@file` response-file arguments the way the Go tools do (one argument per line, quoted lines unquoted). */
export function expandResponseFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (!a.startsWith('@') || a.length === 1) {
      out.push(a);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(a.slice(1), 'utf8');
    } catch (e) {
      throw new WeftError('E_TOOLEXEC', `cannot read response file ${a.slice(1)}: ${(e as Error).message}`);
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      out.push(line.startsWith('"') ? unquoteGo(line) : line);
    }
  }
  return out;
}

function unquoteGo(s: string): string {
  // Response files quote arguments with strconv.Quote; JSON covers the escapes it produces
  // for the characters that can appear in paths and flags.
  try {
    return JSON.parse(s.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as string;
  } catch {
    throw new WeftError('E_TOOLEXEC', `cannot unquote response-file argument ${s}`);
  }
}

export function parseCompileArgs(rawArgs: readonly string[]): CompileCommand {
  const args = expandResponseFiles(rawArgs);
  // The go command always puts the source files last; scanning backwards for them avoids
  // having to know every flag's arity.
  let filesStart = args.length;
  while (filesStart > 0) {
    const a = args[filesStart - 1]!;
    if (a.startsWith('-') || !a.endsWith('.go')) break;
    filesStart--;
  }
  const values = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < filesStart; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-' || a === '--') continue;
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      values.set(body.slice(0, eq), body.slice(eq + 1));
      continue;
    }
    if (BOOL_FLAGS.has(body)) {
      bools.add(body);
      continue;
    }
    if (VALUE_FLAGS.has(body) && i + 1 < filesStart) {
      values.set(body, args[i + 1]!);
      i++;
    }
  }
  const packagePath = values.get('p');
  const output = values.get('o');
  if (packagePath === undefined || output === undefined) {
    throw new WeftError('E_TOOLEXEC', `compile command without ${packagePath === undefined ? '-p' : '-o'}: ${args.join(' ')}`, {
      hint: 'weft understands compile commands issued by the go command; run the build through `weft go build` or -toolexec',
    });
  }
  const goFiles: { index: number; path: string }[] = [];
  for (let i = filesStart; i < args.length; i++) goFiles.push({ index: i, path: args[i]! });
  return {
    args,
    packagePath,
    output,
    importcfg: values.get('importcfg') ?? null,
    embedcfg: values.get('embedcfg') ?? null,
    lang: values.get('lang') ?? '',
    trimpath: values.get('trimpath') ?? null,
    isStd: bools.has('std') || values.get('std') === 'true',
    complete: bools.has('complete') || values.get('complete') === 'true',
    goFiles,
    filesStart,
  };
}
