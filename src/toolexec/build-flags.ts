// The build flags an inner `go list -export` must repeat so that injected packages are compiled
// exactly like the outer build compiles them: the linker refuses archives built with a different
// configuration (`fingerprint mismatch`). Flags given on the command line never reach the tools'
// environment, so they are recovered from `weft go`'s own arguments or, in drop-in mode
// (`go build -toolexec=weft...`), from the go process's /proc/<pid>/cmdline and environ.
// Only flags that change what is built are kept; output, verbosity and test-binary flags are not.
import { readFileSync, existsSync, readlinkSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WeftError } from '../errors.js';

/** go build flags that change the archives produced. */
const KEPT_VALUE_FLAGS = new Set([
  'tags', 'gcflags', 'asmflags', 'ldflags', 'buildmode', 'mod', 'modfile', 'overlay', 'pgo', 'covermode',
  'coverpkg', 'installsuffix', 'compiler', 'gccgoflags', 'pkgdir',
]);
const KEPT_BOOL_FLAGS = new Set(['race', 'msan', 'asan', 'trimpath', 'cover', 'linkshared', 'buildvcs']);

/** Flags of go build / go test (and the test binary) that take a value as the next argument. */
const VALUE_FLAGS = new Set([
  ...KEPT_VALUE_FLAGS, 'C', 'o', 'p', 'toolexec', 'exec', 'vet', 'run', 'skip', 'bench', 'benchtime', 'count', 'cpu',
  'parallel', 'timeout', 'coverprofile', 'cpuprofile', 'memprofile', 'memprofilerate', 'blockprofile',
  'blockprofilerate', 'mutexprofile', 'mutexprofilefraction', 'outputdir', 'trace', 'shuffle', 'fuzz', 'fuzztime',
  'fuzzminimizetime', 'list', 'debug-actiongraph', 'debug-deprecated-importcfg', 'debug-runtime-trace',
  'debug-trace', 'reuse', 'f', 'fullpath',
]);

/** Environment variables that change what is built (the tools see them; the inner go must too). */
export const BUILD_ENV_KEYS = [
  'GOOS', 'GOARCH', 'CGO_ENABLED', 'GOEXPERIMENT', 'GOAMD64', 'GOARM', 'GOARM64', 'GO386', 'GOWASM', 'GOFIPS140',
  'GOFLAGS', 'GOWORK', 'GO111MODULE', 'GOTOOLCHAIN',
] as const;

export interface ParsedGoCommand {
  /** `build`, `test`, `run`, `install`, `vet`, `list`, ... ('' when unknown). */
  subcommand: string;
  /** Every flag seen, name without dashes → value (true for a bare boolean flag); later wins. */
  flags: Map<string, string | true>;
  /** Package patterns. */
  packages: string[];
  /** -C dir when given (go changes to it before anything else). */
  dir: string | null;
}

export interface BuildFlags {
  /** The kept flags in `-name=value` form, in a stable order: ready for `go list`. */
  flags: string[];
  /** Build-relevant environment of the outer build (only the keys that were set). */
  env: Record<string, string>;
  /** Directory the inner go command must run in (the outer go command's). */
  dir: string;
  /** Stable identity: equal keys mean the same archives. */
  key: string;
}

/** Parses `go <subcommand> [flags] [packages] [flags]` (go test accepts flags after packages). */
export function parseGoCommand(args: readonly string[]): ParsedGoCommand {
  const flags = new Map<string, string | true>();
  const packages: string[] = [];
  let i = 0;
  let subcommand = '';
  // go accepts -C only before the subcommand.
  if (args[0] === '-C' || args[0] === '--C') {
    if (args[1] !== undefined) flags.set('C', args[1]);
    i = 2;
  } else if (args[0] !== undefined && /^--?C=/.test(args[0])) {
    flags.set('C', args[0].slice(args[0].indexOf('=') + 1));
    i = 1;
  }
  if (args[i] !== undefined && !args[i]!.startsWith('-')) {
    subcommand = args[i]!;
    i++;
  }
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-args' || a === '--args' || a === '--') break;
    if (!a.startsWith('-') || a === '-') {
      packages.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name: string;
    let value: string | true;
    if (eq >= 0) {
      name = body.slice(0, eq);
      value = body.slice(eq + 1);
    } else if (VALUE_FLAGS.has(body.replace(/^test\./, '')) && i + 1 < args.length) {
      name = body;
      value = args[++i]!;
    } else {
      name = body;
      value = true;
    }
    flags.set(name.replace(/^test\./, ''), value);
  }
  const c = flags.get('C');
  return { subcommand, flags, packages, dir: typeof c === 'string' ? c : null };
}

/**
 * Splits GOFLAGS the way the go command does (cmd/internal/quoted): fields separated by
 * spaces, a field may be wrapped in single or double quotes so a value can hold spaces.
 */
export function splitGoflags(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) throw new WeftError('E_USAGE', `GOFLAGS has an unterminated ${c} quote: ${s}`);
      out.push(s.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** Joins flags for GOFLAGS, quoting fields that contain spaces (otelc #1207: tool paths with spaces). */
export function joinGoflags(fields: readonly string[]): string {
  return fields
    .map((f) => {
      if (f !== '' && !/[\s'"]/.test(f)) return f;
      if (!f.includes("'")) return `'${f}'`;
      if (!f.includes('"')) return `"${f}"`;
      throw new WeftError('E_USAGE', `cannot put ${f} in GOFLAGS: it contains both quote characters`);
    })
    .join(' ');
}

function normaliseBool(v: string | true): string {
  return v === true ? 'true' : v;
}

/**
 * Keeps the flags of a go command line (and of GOFLAGS, which the command line overrides) that
 * change what is built. `-cover` without `-coverpkg` gets a derived `-coverpkg`: otherwise the
 * inner `go list`, whose only patterns are the injected packages, would instrument a different
 * set of packages than the outer build (orchestrion #215, #526, #527).
 */
export function extractBuildFlags(
  goArgs: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  mainModules: readonly string[] = [],
): BuildFlags {
  const fromEnv = parseGoCommand(['', ...splitGoflags(env.GOFLAGS ?? '')]);
  const cmd = parseGoCommand(goArgs);
  const merged = new Map<string, string | true>([...fromEnv.flags, ...cmd.flags]);
  const kept = new Map<string, string>();
  for (const [name, value] of merged) {
    if (KEPT_VALUE_FLAGS.has(name) && value !== true) kept.set(name, value);
    else if (KEPT_BOOL_FLAGS.has(name)) {
      const v = normaliseBool(value);
      if (v !== 'false' || name === 'buildvcs') kept.set(name, v);
    }
  }
  const coverOn = kept.has('cover') || kept.has('covermode') || kept.has('coverpkg');
  if (coverOn && !kept.has('coverpkg')) {
    const derived = cmd.subcommand === 'test' ? (cmd.packages.length > 0 ? cmd.packages : ['.']) : mainModules.map((m) => `${m}/...`);
    if (derived.length > 0) kept.set('coverpkg', derived.join(','));
  }
  if (kept.has('coverpkg') || kept.has('covermode')) kept.set('cover', 'true');
  const flags = [...kept.keys()].sort().map((k) => (kept.get(k) === 'true' && KEPT_BOOL_FLAGS.has(k) ? `-${k}` : `-${k}=${kept.get(k)!}`));
  const buildEnv: Record<string, string> = {};
  for (const k of BUILD_ENV_KEYS) {
    const v = env[k];
    if (v !== undefined && v !== '') buildEnv[k] = v;
  }
  const dir = cmd.dir !== null ? resolve(cwd, cmd.dir) : cwd;
  const key = JSON.stringify([flags, Object.entries(buildEnv).filter(([k]) => k !== 'GOFLAGS').sort(), dir]);
  return { flags, env: buildEnv, dir, key };
}

export interface ProcessCommand {
  pid: number;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

function readNulList(file: string): string[] {
  const parts = readFileSync(file, 'latin1').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function parentPid(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name may contain spaces and parentheses: the fields after the last ')' are safe.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
  } catch {
    return null;
  }
}

/**
 * Drop-in mode: walks up from the shim's pid to the nearest `go` process and returns its
 * arguments (without argv[0]), environment and working directory. Null when /proc is not
 * available or no go process is found within a few levels.
 */
export function findGoProcess(shimPid: number, maxDepth = 4): ProcessCommand | null {
  let pid: number | null = shimPid;
  for (let depth = 0; depth <= maxDepth && pid !== null; depth++) {
    try {
      const argv = readNulList(`/proc/${pid}/cmdline`);
      const exe = argv[0] ?? '';
      const base = exe.slice(exe.lastIndexOf('/') + 1);
      // `go`, and the versioned wrappers of golang.org/dl (`go1.22.4`).
      if (/^go(\d[\w.-]*)?(\.exe)?$/.test(base)) {
        const env: Record<string, string> = {};
        for (const kv of readNulList(`/proc/${pid}/environ`)) {
          const eq = kv.indexOf('=');
          if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
        }
        let cwd = '';
        try {
          cwd = readlinkSync(`/proc/${pid}/cwd`);
        } catch {
          // another user's process or no /proc: leave it to the caller's cwd
        }
        return { pid, args: argv.slice(1), env, cwd };
      }
    } catch {
      return null;
    }
    pid = parentPid(pid);
  }
  return null;
}

/**
 * The main modules of the build rooted at `dir`: the `use` directories of go.work (when GOWORK
 * is not off) or the module of the nearest go.mod. Read from the files, without running go.
 */
export function findMainModules(dir: string, gowork?: string): string[] {
  const modulePath = (gomod: string): string | null => {
    try {
      const m = /^\s*module\s+("?)([^\s"]+)\1/m.exec(readFileSync(gomod, 'utf8'));
      return m?.[2] ?? null;
    } catch {
      return null;
    }
  };
  // Like the go command: a go.work anywhere above wins over the nearest go.mod.
  let work: string | null = null;
  if (gowork !== undefined && gowork !== '' && gowork !== 'off') work = gowork;
  let gomod: string | null = null;
  for (let d = resolve(dir); ; ) {
    if (work === null && gowork !== 'off' && existsSync(join(d, 'go.work'))) work = join(d, 'go.work');
    if (gomod === null && existsSync(join(d, 'go.mod'))) gomod = join(d, 'go.mod');
    const up = dirname(d);
    if (up === d || work !== null) break;
    d = up;
  }
  if (work === null) {
    const p = gomod === null ? null : modulePath(gomod);
    return p === null ? [] : [p];
  }
  const text = readFileSync(work, 'utf8');
  const uses: string[] = [];
  const block = /^\s*use\s*\(([^)]*)\)/gm;
  let m: RegExpExecArray | null;
  while ((m = block.exec(text)) !== null) uses.push(...m[1]!.split('\n').map((l) => l.replace(/\/\/.*$/, '').trim()).filter((l) => l !== ''));
  for (const line of text.matchAll(/^\s*use\s+([^\s(]+)/gm)) uses.push(line[1]!);
  const out: string[] = [];
  for (const u of uses) {
    const p = modulePath(join(dirname(work), u.replace(/^"|"$/g, ''), 'go.mod'));
    if (p !== null) out.push(p);
  }
  return out;
}

/** `flags` with one more (or a replaced) `-name=value` flag, and its key updated. */
export function withBuildFlag(f: BuildFlags, name: string, value: string): BuildFlags {
  const flags = [...f.flags.filter((x) => !x.startsWith(`-${name}=`) && x !== `-${name}`), `-${name}=${value}`].sort();
  const key = JSON.stringify([flags, ...(JSON.parse(f.key) as unknown[]).slice(1)]);
  return { ...f, flags, key };
}

/**
 * The `default.pgo` files `-pgo=auto` would use for a go command's package patterns: the
 * profile of each main package directory named (a `/...` pattern is walked, skipping vendor,
 * testdata and hidden directories). Compiles only see a preprocessed copy in $WORK, while a
 * nested go command needs the original to build identical archives.
 */
export function findDefaultProfiles(dir: string, patterns: readonly string[], maxDirs = 5000): string[] {
  const found = new Set<string>();
  let budget = maxDirs;
  const walk = (d: string): void => {
    if (budget-- <= 0) return;
    const p = join(d, 'default.pgo');
    if (existsSync(p)) found.add(p);
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'vendor' || e.name === 'testdata' || e.name.startsWith('.') || e.name.startsWith('_')) continue;
      walk(join(d, e.name));
    }
  };
  for (const pat of patterns.length > 0 ? patterns : ['.']) {
    if (!pat.startsWith('.') && !pat.startsWith('/')) continue; // import-path patterns: not resolvable without go list
    if (pat.endsWith('/...') || pat === '...') walk(resolve(dir, pat.slice(0, -4) || '.'));
    else {
      const p = join(resolve(dir, pat), 'default.pgo');
      if (existsSync(p)) found.add(p);
    }
  }
  return [...found].sort();
}
