// Shared by the build benchmarks: command-line figures, child CPU accounting and one timed
// `go`/`weft go` build. Benchmarks print figures; nothing here asserts on time.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const weftBin = join(repoRoot, 'bin', 'weft.js');

/** `--name=value`, else `$envName`, else the fallback. */
export function flag(name: string, envName: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3) ?? process.env[envName] ?? fallback;
}

/** CPU of every waited-for descendant so far: fields cutime and cstime of /proc/self/stat. */
export function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spreadOf(xs: readonly number[]): Spread {
  return { median: median([...xs]), min: xs.length === 0 ? NaN : Math.min(...xs), max: xs.length === 0 ? NaN : Math.max(...xs), n: xs.length };
}

export interface TimedRun {
  wallMs: number;
  /** user+sys of every descendant the command waited for (its whole tree). */
  cpuMs: number;
  code: number | null;
  stderr: string;
  /** Peak of the summed resident set of the command's process tree, sampled every 100 ms (KiB). */
  treeRssKb: number;
}

/** The resident set (KiB) of `root` and every descendant, summed, from /proc. */
export function treeRssKb(root: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(pid, Number(f[1]));
      // Field 24 of stat: resident pages.
      rss.set(pid, (Number(f[21]) * 4096) / 1024);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  let sum = 0;
  for (const [pid, kb] of rss) {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) {
      if (p === root) {
        sum += kb;
        break;
      }
    }
  }
  return sum;
}

/**
 * Runs one command to completion (stdout discarded, stderr kept) and measures its wall time and
 * the CPU of its process tree. Never rejects for a non-zero exit: the caller decides.
 */
export function timedRun(cmd: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TimedRun> {
  const cpu0 = childCpuMs();
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    const sampler = setInterval(() => {
      if (child.pid !== undefined) peak = Math.max(peak, treeRssKb(child.pid));
    }, 100);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(sampler);
      resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: childCpuMs() - cpu0, code, stderr, treeRssKb: peak });
    });
  });
}

/**
 * Runs `go build -o /dev/null <target>` plainly or through `weft go`, and measures wall time and
 * the CPU of the whole process tree. A failed build rejects with go's stderr.
 */
export async function timedBuild(
  mode: 'plain' | 'weft',
  target: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; cpuMs: number }> {
  const args = ['build', '-o', '/dev/null', target];
  const [cmd, argv] = mode === 'plain' ? ['go', args] : [process.execPath, [weftBin, 'go', ...args]];
  const r = await timedRun(cmd, argv, cwd, env);
  if (r.code !== 0) throw new Error(`${mode} build failed (exit ${r.code}):\n${r.stderr}`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}
