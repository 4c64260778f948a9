// Shared by the build benchmarks (build.ts, loop.ts): the environment every build runs in, a
// blocking command runner, the aspect that matches nothing, the probe that tells which weft
// modes this weft accepts, and what the loop benchmark asks weft's daemon. Nothing asserts on time.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { weftBin } from './bench-util.js';

let runtimeDir: string | null = null;

/**
 * Gives every build of this benchmark run its own XDG_RUNTIME_DIR, so a weft daemon it starts
 * is one only this run talks to, and none of the user's daemons answers a benchmark build.
 */
export function usePrivateRuntimeDir(work: string): string {
  const dir = join(work, 'run');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  runtimeDir = dir;
  return dir;
}

/**
 * The caller's environment with the toolchain pinned, the network off, no WEFT_* setting and no
 * CI (weft turns its daemon off under CI; a case that wants CI sets it itself).
 */
export function goEnvBase(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', GOPROXY: 'off' };
  for (const k of Object.keys(env)) if (k.startsWith('WEFT_')) delete env[k];
  delete env['CI'];
  if (runtimeDir !== null) env['XDG_RUNTIME_DIR'] = runtimeDir;
  return env;
}

/** What a module download or `go get` may use: the user's proxy, else the public one. */
export const proxyEnv = (): NodeJS.ProcessEnv => ({ ...goEnvBase(), GOPROXY: process.env['GOPROXY'] || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=mod' });

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 600_000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: `${r.stderr ?? ''}${r.stdout ?? ''}${r.error ? r.error.message : ''}` };
}

export const firstLine = (s: string): string => s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '(no output)';

export const NO_MATCH_CONFIG = [
  'meta:',
  '  name: bench-no-match',
  '  description: an aspect whose function exists nowhere, so every compile goes through the shim and the server and none is woven',
  'aspects:',
  '  - id: no-such-function',
  '    join-point:',
  '      function-body:',
  '        function:',
  '          - name: NoSuchFunctionAnywhereInThisModule',
  '    advice:',
  '      prepend-statements:',
  '        template: println("never")',
  '',
].join('\n');

/** A one-package module to probe weft with (and to build its shim and oracle outside the timings). */
export function writeProbeModule(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module example.com/probe\n\ngo 1.24.0\n');
  writeFileSync(join(dir, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("probe") }\n');
}

/** `weft prepare` in the probe module: builds the shim and type oracle into `env`'s WEFT_CACHE. */
export function prepareWeft(dir: string, env: NodeJS.ProcessEnv, log: (s: string) => void): void {
  const prep = run(process.execPath, [weftBin, 'prepare'], dir, env);
  if (!prep.ok) log(`weft prepare failed (${firstLine(prep.out)}); the first weft build may include building the shim`);
}

/** null when `weft go build --weft-mode=<mode>` builds the probe module, else weft's first error line. */
export function probeWeftMode(dir: string, env: NodeJS.ProcessEnv, mode: string, front: [string, string[]] = [process.execPath, [weftBin]]): string | null {
  const r = run(front[0], [...front[1], 'go', 'build', ...(mode ? [`--weft-mode=${mode}`] : []), '-o', '/dev/null', '.'], dir, env);
  return r.ok ? null : firstLine(r.out);
}

/** What the loop benchmark learns about the daemon serving a module. */
export interface DaemonInfo {
  pid: number;
  /** As the daemon reports it (`weft daemon status --json`: rssBytes), KiB. */
  reportedRssKb: number | null;
  /** VmRSS and VmHWM of /proc/<pid>/status, read by the benchmark itself, KiB. */
  vmRssKb: number | null;
  vmHwmKb: number | null;
  builds: number | null;
}

/**
 * `weft daemon status --json` in `dir`: the daemon's pid, RSS and build count, or why there is
 * none (`weft` without a daemon command, no daemon for the module, unreadable answer). The
 * answer is read loosely (the status frame's fields, at the top level or under `daemon`), so
 * the benchmark works with any weft that reports a pid.
 */
export function daemonStatus(dir: string, env: NodeJS.ProcessEnv): DaemonInfo | string {
  const r = run(process.execPath, [weftBin, 'daemon', 'status', '--json'], dir, env, 30_000);
  const text = r.out.trim();
  const s = statusOf(text);
  if (s === null) return `weft daemon status --json: ${firstLine(text)}`;
  const pid = s['pid'];
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return `no daemon running (${firstLine(text)})`;
  const vm = procStatus(pid);
  return {
    pid,
    reportedRssKb: typeof s['rssBytes'] === 'number' ? Math.round(s['rssBytes'] / 1024) : null,
    vmRssKb: vm?.VmRSS ?? null,
    vmHwmKb: vm?.VmHWM ?? null,
    builds: typeof s['builds'] === 'number' ? s['builds'] : null,
  };
}

/**
 * The status object in `weft daemon status --json`'s output: an array of daemons (the first
 * with a pid), one object, or one under `daemon`; null when the output holds no JSON (a weft
 * without the command prints its usage error).
 */
export function statusOf(text: string): Record<string, unknown> | null {
  const start = text.search(/[[{]/);
  if (start < 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch {
    return null;
  }
  const objects = (Array.isArray(parsed) ? parsed : [parsed]).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
  const flat = objects.map((o) => (typeof o['daemon'] === 'object' && o['daemon'] !== null ? (o['daemon'] as Record<string, unknown>) : o));
  return flat.find((o) => typeof o['pid'] === 'number') ?? flat[0] ?? {};
}

/** The kB fields of /proc/<pid>/status, or null when the process is gone. */
export function procStatus(pid: number): Record<string, number> | null {
  try {
    const out: Record<string, number> = {};
    for (const m of readFileSync(`/proc/${pid}/status`, 'utf8').matchAll(/^(\w+):\s+(\d+) kB$/gm)) out[m[1]!] = Number(m[2]);
    return out;
  } catch {
    return null;
  }
}

/** user+sys CPU of a process that is not our child (the daemon), ms; null when it is gone. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * Stops the daemons this run started: `weft daemon stop` in each module, then SIGTERM to any
 * pid the benchmark saw that is still alive (its private runtime directory goes with the run).
 */
export function stopDaemons(dirs: Iterable<string>, pids: Iterable<number>, env: NodeJS.ProcessEnv, log: (s: string) => void): void {
  for (const dir of dirs) if (existsSync(dir)) run(process.execPath, [weftBin, 'daemon', 'stop'], dir, env, 30_000);
  for (const pid of pids) {
    if (procStatus(pid) === null) continue;
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && procStatus(pid) !== null) spawnSync('sleep', ['0.1']);
    if (procStatus(pid) === null) continue;
    try {
      process.kill(pid, 'SIGTERM');
      log(`daemon ${pid} still ran after \`weft daemon stop\`: sent SIGTERM`);
    } catch {
      // Gone meanwhile.
    }
  }
}

/**
 * Directories a benchmark no longer needs (GOCACHEs of finished runs, whole cases) are moved
 * into one trash directory at once instead of being deleted between builds: deleting a
 * GOCACHE of thousands of files took minutes of a run on a busy disk, time no build needs.
 * removeInBackground deletes the trash (or any directory) after the results are written.
 */
export class Trash {
  private n = 0;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  discard(path: string): void {
    if (!existsSync(path)) return;
    renameSync(path, join(this.dir, `${++this.n}-${basename(path)}`));
  }
}

/** `rm -rf dir` in a detached, niced process that outlives the benchmark. */
export function removeInBackground(dir: string): void {
  if (!existsSync(dir)) return;
  spawn('nice', ['-n', '19', 'rm', '-rf', dir], { detached: true, stdio: 'ignore' }).unref();
}
