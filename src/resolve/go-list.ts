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
  'Imports', 'Deps', 'GoFiles', 'CgoFiles', 'SFiles', 'HFiles', 'CFiles', 'CXXFiles', 'MFiles', 'FFiles', 'SysoFiles',
  'EmbedFiles',
];

/** Source-ish files of a listed package (relative to Dir), for content hashing. */
export function packageFiles(p: ListedPackage): string[] {
  return [
    ...(p.GoFiles ?? []), ...(p.CgoFiles ?? []), ...(p.SFiles ?? []), ...(p.HFiles ?? []), ...(p.CFiles ?? []),
    ...(p.CXXFiles ?? []), ...(p.MFiles ?? []), ...(p.FFiles ?? []), ...(p.SysoFiles ?? []), ...(p.EmbedFiles ?? []),
  ].sort();
}

/** Splits the concatenated JSON objects `go list -json` prints. */
export function parseJsonStream(text: string): unknown[] {
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
  const args = ['list', '-e', '-deps', `-json=${LIST_FIELDS.join(',')}`];
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
