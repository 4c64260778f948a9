// Running `go list -e -deps [-export] -json=<fields>` and reading its output: a stream of JSON
// objects, one per package, dependencies before dependents. `-e` keeps going on broken
// packages so a missing one is reported by name (its Error field) instead of as a bare exit code.
import { spawn } from 'node:child_process';
import { WeftError } from '../errors.js';
import { countChild } from '../children.js';

export interface ListedModule {
  Path: string;
  Version?: string;
  Sum?: string;
  Dir?: string;
  Main?: boolean;
  /** The module's `go` directive (the compile's -lang). */
  GoVersion?: string;
  Replace?: ListedModule;
}

export interface ListedError {
  Err: string;
  Pos?: string;
  ImportStack?: string[];
}

export interface ListedPackage {
  ImportPath: string;
  Name?: string;
  Dir?: string;
  Export?: string;
  BuildID?: string;
  Standard?: boolean;
  DepOnly?: boolean;
  ForTest?: string;
  Module?: ListedModule;
  Error?: ListedError;
  DepsErrors?: ListedError[];
  Imports?: string[];
  /** Imports written otherwise in the source: vendored packages, test variants (identity entries omitted). */
  ImportMap?: Record<string, string>;
  Deps?: string[];
  GoFiles?: string[];
  CgoFiles?: string[];
  SFiles?: string[];
  HFiles?: string[];
  CFiles?: string[];
  CXXFiles?: string[];
  MFiles?: string[];
  FFiles?: string[];
  SysoFiles?: string[];
  EmbedFiles?: string[];
}

export const LIST_FIELDS = [
  'ImportPath', 'Name', 'Dir', 'Export', 'BuildID', 'Standard', 'DepOnly', 'ForTest', 'Module', 'Error', 'DepsErrors',
  'Imports', 'ImportMap', 'Deps', 'GoFiles', 'CgoFiles', 'SFiles', 'HFiles', 'CFiles', 'CXXFiles', 'MFiles', 'FFiles', 'SysoFiles',
  'EmbedFiles',
];

/** LIST_FIELDS without Deps: a -deps listing's closures follow from its Imports (depsOf), and Deps are most of its bytes. */
export const LIST_FIELDS_NO_DEPS = LIST_FIELDS.filter((f) => f !== 'Deps');

/**
 * What go adds to a package's imports without an import declaration (cmd/go/internal/load, go
 * 1.26): cgo's unsafe, runtime/cgo and syscall (not for the runtime packages cgo itself builds
 * on), and a main package's linker dependencies: runtime always, runtime/race, runtime/msan,
 * runtime/asan and runtime/coverage under their flags (taken when the listing holds them: only
 * those flags, or an import of them, put them there). Left out: the runtime/cgo a forced
 * external link adds and GOARM=5's math, whose closures hold nothing beyond runtime's. Deps
 * count these; Imports do not, and Imports name the pseudo-package C, which Deps leave out.
 */
function implicitImports(p: ListedPackage, listing: ReadonlyMap<string, ListedPackage>): string[] {
  const out: string[] = [];
  const at = p.ImportPath.indexOf(' [');
  const path = at < 0 ? p.ImportPath : p.ImportPath.slice(0, at);
  if ((p.CgoFiles?.length ?? 0) > 0) {
    const std = p.Standard === true;
    out.push('unsafe');
    if (!(std && path === 'runtime/cgo')) out.push('runtime/cgo');
    if (!(std && ['runtime/cgo', 'runtime/race', 'runtime/msan', 'runtime/asan'].includes(path))) out.push('syscall');
  }
  if (p.Name === 'main') {
    out.push('runtime');
    for (const d of ['runtime/race', 'runtime/msan', 'runtime/asan', 'runtime/coverage']) if (listing.has(d)) out.push(d);
  }
  // In a test variant (`x [p.test]`) and the test main (`p.test`), go rewrites these as it
  // rewrites imports: to the variant built for the test, where there is one.
  const variant = at >= 0 ? p.ImportPath.slice(at) : p.Name === 'main' && path.endsWith('.test') ? ` [${path}]` : '';
  return variant === '' ? out : out.map((d) => (listing.has(`${d}${variant}`) ? `${d}${variant}` : d));
}

const closures = new WeakMap<ReadonlyMap<string, ListedPackage>, Map<string, readonly string[]>>();

/**
 * The dependency closure of `id` in a -deps listing (by ImportPath), as go's Deps give it: its
 * Deps when go printed them, else its Imports and what go adds implicitly, followed transitively
 * (checked against go's Deps with and without -test, cgo included). Memoised per listing.
 */
export function depsOf(listing: ReadonlyMap<string, ListedPackage>, id: string): readonly string[] {
  let memo = closures.get(listing);
  if (memo === undefined) closures.set(listing, (memo = new Map()));
  const direct = (pkg: string): readonly string[] | null => {
    const p = listing.get(pkg);
    if (p === undefined) return [];
    if (p.Deps !== undefined) return null;
    return [...new Set([...(p.Imports ?? []), ...implicitImports(p, listing)])].filter((i) => i !== 'C' && i !== pkg);
  };
  // Iteratively, a package once its imports are done (a deep graph must not exhaust the stack).
  const stack: string[] = [id];
  const entered = new Set<string>();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (memo.has(top)) {
      stack.pop();
      continue;
    }
    const imports = direct(top);
    if (imports === null) {
      memo.set(top, listing.get(top)!.Deps!);
      stack.pop();
      continue;
    }
    // An import already entered but not done is a cycle (a broken listing): it ends there.
    const pending = entered.has(top) ? [] : imports.filter((i) => !memo.has(i) && !entered.has(i));
    entered.add(top);
    if (pending.length > 0) {
      stack.push(...pending);
      continue;
    }
    const out = new Set<string>();
    for (const i of imports) {
      out.add(i);
      for (const d of memo.get(i) ?? []) out.add(d);
    }
    memo.set(top, [...out].sort());
    stack.pop();
  }
  return memo.get(id)!;
}

/** Source-ish files of a listed package (relative to Dir), for content hashing. */
export function packageFiles(p: ListedPackage): string[] {
  return [
    ...(p.GoFiles ?? []), ...(p.CgoFiles ?? []), ...(p.SFiles ?? []), ...(p.HFiles ?? []), ...(p.CFiles ?? []),
    ...(p.CXXFiles ?? []), ...(p.MFiles ?? []), ...(p.FFiles ?? []), ...(p.SysoFiles ?? []), ...(p.EmbedFiles ?? []),
  ].sort();
}

/**
 * Splits the concatenated JSON objects `go list -json` prints. go indents every nested line, so
 * a brace at the start of a line closes or opens a top-level object, and a string never holds a
 * raw newline: joining the objects into one array lets the native parser read them in one pass
 * (several times faster than a scan here at thousands of packages). Anything else (a truncated
 * stream, another layout) takes the scan, which says what is wrong.
 */
export function parseJsonStream(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('\n}')) {
    try {
      const all: unknown = JSON.parse(`[${trimmed.replace(/\n\}\n\{/g, '\n},\n{')}]`);
      if (Array.isArray(all)) return all;
    } catch {
      // Not the layout assumed: the scan below.
    }
  }
  return scanJsonStream(text);
}

function scanJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d) {
      depth--;
      if (depth === 0 && start >= 0) {
        out.push(JSON.parse(text.slice(start, i + 1)));
        start = -1;
      }
    }
  }
  if (depth !== 0) throw new WeftError('E_RESOLVE', 'truncated output from go list');
  return out;
}

export interface GoListOptions {
  /** The go binary (the same toolchain as the build). */
  go: string;
  /** Working directory (the go command's: relative patterns and the module are found from it). */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Build flags (`-tags=…`, `-race`, …) in `-name=value` form. */
  flags: readonly string[];
  /** Add `-export` (compiles the closure) or only list (no compiles). */
  export: boolean;
  /** The build's -toolexec value, so inner compiles reach the same job server and are woven alike. */
  toolexec?: string | null;
  /** Add `-test` (lists test variants too). */
  test?: boolean;
  /** Leave Deps out of the listing (false: the caller reads closures through depsOf). */
  deps?: boolean;
  signal?: AbortSignal;
  /** Called with the child's pid once it runs (the server recognises requests from its inner builds by it). */
  onSpawn?: (pid: number) => void;
  onExit?: (pid: number) => void;
}

export interface GoListResult {
  packages: ListedPackage[];
  /** The command line, for messages. */
  command: string;
  stderr: string;
  exitCode: number;
  millis: number;
}

/** Counts go list processes started by this process (the benchmark reports it per build). */
export const goListCounter = { started: 0 };

export function goListArgs(patterns: readonly string[], opts: Omit<GoListOptions, 'go' | 'dir' | 'env'>): string[] {
  const args = ['list', '-e', '-deps', `-json=${(opts.deps === false ? LIST_FIELDS_NO_DEPS : LIST_FIELDS).join(',')}`];
  if (opts.export) args.push('-export');
  if (opts.test === true) args.push('-test');
  if (opts.toolexec !== undefined && opts.toolexec !== null && opts.toolexec !== '') args.push(`-toolexec=${opts.toolexec}`);
  args.push(...opts.flags, '--', ...patterns);
  return args;
}

export function runGoList(patterns: readonly string[], opts: GoListOptions): Promise<GoListResult> {
  const args = goListArgs(patterns, opts);
  const command = `go ${args.join(' ')}`;
  const started = Date.now();
  goListCounter.started++;
  countChild('go list');
  return new Promise((resolve, reject) => {
    const child = spawn(opts.go, args, { cwd: opts.dir, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.signal ? { signal: opts.signal } : {}) });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (e) => reject(new WeftError('E_RESOLVE', `cannot run ${command}: ${e.message}`, { cause: e })));
    child.once('close', (code) => {
      if (child.pid !== undefined) opts.onExit?.(child.pid);
      const stderr = Buffer.concat(err).toString('utf8');
      let packages: ListedPackage[];
      try {
        packages = parseJsonStream(Buffer.concat(out).toString('utf8')) as ListedPackage[];
      } catch (e) {
        reject(new WeftError('E_RESOLVE', `cannot read the output of ${command} in ${opts.dir}: ${(e as Error).message}`, { details: stderr.trim().split('\n') }));
        return;
      }
      resolve({ packages, command, stderr, exitCode: code ?? 1, millis: Date.now() - started });
    });
  });
}
