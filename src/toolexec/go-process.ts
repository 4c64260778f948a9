// Finding the go command a shim serves, and what it was started with, when nobody told us
// (drop-in mode: `go build -toolexec=<shim>`). The operating system is asked through one small
// interface, so the lookups are tested with fakes and each platform has its own reader: Linux
// reads /proc, macOS asks ps and lsof (it has no /proc). Where a platform cannot tell (another
// process's environment on macOS), the answer is null and callers fall back to what the shim
// itself sent.
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { countChild } from '../children.js';

export interface ProcessStat {
  ppid: number;
  /** Opaque, but equal for the same process and different for a reused pid. */
  startTime: string;
}

/** What weft asks the operating system about a process; every method returns null when it cannot tell. */
export interface ProcessTable {
  stat(pid: number): ProcessStat | null;
  /** argv, argv[0] included. */
  argv(pid: number): string[] | null;
  environ(pid: number): Record<string, string> | null;
  cwd(pid: number): string | null;
  /** Absolute path of the executable. */
  exe(pid: number): string | null;
}

/** Parses the text of /proc/<pid>/stat: the name may hold spaces and ')', so fields are counted from the last ')'. */
export function parseProcStat(text: string): (ProcessStat & { comm: string }) | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const f = text.slice(close + 1).trim().split(/\s+/);
  // f[0] is field 3 (state): field 4 (ppid) is f[1], field 22 (start time) is f[19].
  const ppid = Number(f[1]);
  const startTime = f[19];
  if (!Number.isInteger(ppid) || startTime === undefined) return null;
  return { comm: text.slice(open + 1, close), ppid, startTime };
}

function readNulList(file: string): string[] {
  const parts = readFileSync(file, 'latin1').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function envOf(list: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return env;
}

function orNull<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export const linuxProcessTable: ProcessTable = {
  stat: (pid) => orNull(() => parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))),
  argv: (pid) => orNull(() => readNulList(`/proc/${pid}/cmdline`)),
  environ: (pid) => orNull(() => envOf(readNulList(`/proc/${pid}/environ`))),
  cwd: (pid) => orNull(() => readlinkSync(`/proc/${pid}/cwd`)),
  exe: (pid) => orNull(() => readlinkSync(`/proc/${pid}/exe`)),
};

/** Runs a lookup command; null when it fails or prints nothing. */
export type RunCommand = (file: string, args: readonly string[]) => string | null;

const runQuiet: RunCommand = (file, args) => {
  countChild(file);
  return orNull(() => execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 })) || null;
};

/**
 * macOS: `ps` for parent, start time and executable, `lsof` for the working directory. ps
 * prints the argument vector joined with spaces, so an argument that holds a space cannot be
 * told apart: good enough for finding flags, which is all it is used for. Another process's
 * environment is not readable without privileges: null.
 */
export function darwinProcessTable(run: RunCommand = runQuiet): ProcessTable {
  const ps = (pid: number, ...fields: string[]): string | null => {
    const out = run('/bin/ps', ['-ww', ...fields.flatMap((f) => ['-o', `${f}=`]), '-p', String(pid)]);
    return out === null ? null : out.replace(/\n$/, '');
  };
  return {
    stat: (pid) => {
      const out = ps(pid, 'ppid', 'lstart');
      const m = out === null ? null : /^\s*(\d+)\s+(.+?)\s*$/.exec(out);
      return m === null ? null : { ppid: Number(m[1]), startTime: m[2]! };
    },
    argv: (pid) => {
      const out = ps(pid, 'command');
      return out === null ? null : out.trim().split(/\s+/);
    },
    environ: () => null,
    cwd: (pid) => {
      const out = run('lsof', ['-a', '-p', String(pid), '-d', 'cwd', '-Fn']);
      const line = out?.split('\n').find((l) => l.startsWith('n'));
      return line === undefined ? null : line.slice(1);
    },
    exe: (pid) => {
      const out = ps(pid, 'comm');
      return out !== null && out.startsWith('/') ? out.trim() : null;
    },
  };
}

const unsupported: ProcessTable = { stat: () => null, argv: () => null, environ: () => null, cwd: () => null, exe: () => null };

let current: ProcessTable | null = null;

/** The process table of this platform (Linux /proc, macOS ps/lsof, none elsewhere). */
export function processTable(): ProcessTable {
  current ??= process.platform === 'linux' ? linuxProcessTable : process.platform === 'darwin' ? darwinProcessTable() : unsupported;
  return current;
}

/** `go`, and the versioned wrappers of golang.org/dl (`go1.22.4`). The shim uses the same rule. */
export function isGoCommandName(path: string): boolean {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return /^go(\d[\w.-]*)?(\.exe)?$/.test(base);
}

export interface ProcessCommand {
  pid: number;
  args: string[];
  /** Null when the platform cannot read another process's environment. */
  env: Record<string, string> | null;
  cwd: string;
  exe: string | null;
}

/**
 * Walks up from the shim's pid to the nearest go process and returns its arguments (without
 * argv[0]), environment and working directory. Null when the platform cannot tell or no go
 * process is found within a few levels.
 */
export function findGoProcess(shimPid: number, maxDepth = 4, table: ProcessTable = processTable()): ProcessCommand | null {
  let pid: number | null = shimPid;
  for (let depth = 0; depth <= maxDepth && pid !== null && pid > 0; depth++) {
    const argv = table.argv(pid);
    if (argv === null) return null;
    if (isGoCommandName(argv[0] ?? '')) {
      return { pid, args: argv.slice(1), env: table.environ(pid), cwd: table.cwd(pid) ?? '', exe: table.exe(pid) };
    }
    pid = table.stat(pid)?.ppid ?? null;
  }
  return null;
}

/** Start time of a process (opaque), or null when it is gone. */
export function processStartTime(pid: number, table: ProcessTable = processTable()): string | null {
  return table.stat(pid)?.startTime ?? null;
}
