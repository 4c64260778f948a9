// Shared helpers for e2e tests: run the real weft CLI and the real go on copies of fixture
// modules, with one GOCACHE per test run (see makeTestEnv) and one shared weft cache for the shim.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (dist/test/e2e/helpers.js → ../../..). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const weftBin = join(repoRoot, 'bin', 'weft.js');

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The toolchain under test: WEFT_TEST_GO names a go binary (default: go on PATH) and
 * WEFT_TEST_GOTOOLCHAIN a GOTOOLCHAIN value (default: local), e.g. `go1.27.3`, which go fetches
 * from the module proxy once (`GOTOOLCHAIN=go1.27.3 go version`) and then finds in the module cache.
 */
export const testGo = process.env['WEFT_TEST_GO'] || 'go';
export const testGotoolchain = process.env['WEFT_TEST_GOTOOLCHAIN'] || 'local';

export const hasGo = hasCommand(testGo);

/**
 * The toolchain under test keeps GOROOT beneath GOMODCACHE (a toolchain go downloaded, as
 * GOTOOLCHAIN=go1.x.y does): go -overlay refuses to replace files there, so a woven std package
 * can never be an overlay build.
 */
export const gorootInModCache: boolean = (() => {
  if (!hasGo) return false;
  const r = spawnSync(testGo, ['env', 'GOROOT', 'GOMODCACHE'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: testGotoolchain, GOFLAGS: '' } });
  const [goroot = '', modcache = ''] = (r.stdout ?? '').split('\n').map((l) => l.trim());
  return modcache !== '' && goroot.startsWith(`${modcache}/`);
})();
export const hasGcc = hasCommand('gcc');

/** Copies test/<tier>/fixtures/<name> (tier e2e or heavy) to a fresh temporary directory. */
export function copyFixture(name: string, tier: 'e2e' | 'heavy' = 'e2e'): string {
  const dir = mkdtempSync(join(tmpdir(), `weft-e2e-${name}-`));
  cpSync(join(repoRoot, 'test', tier, 'fixtures', name), dir, { recursive: true });
  return dir;
}

/**
 * Environment for one test file: the GOCACHE of the whole test run (scripts/run-tests.mjs makes
 * one and passes it as WEFT_E2E_GOCACHE, so std and the shared modules compile once per run;
 * fixtures are copied to fresh directories, so their own packages still compile in every file),
 * or a private one per file when run alone or when `privateGocache` asks for a cold cache (tests
 * that count what a build compiles); a shared weft cache (the shim is built once for the whole
 * suite), no inherited weft variables, no plans kept between builds, no daemon unless asked for, no network beyond what GOFLAGS allow.
 */
export function makeTestEnv(name: string, opts: { privateGocache?: boolean; daemon?: boolean } = {}): { env: NodeJS.ProcessEnv; cleanup: () => void } {
  const shared = process.env['WEFT_E2E_GOCACHE'];
  const own = opts.privateGocache === true || shared === undefined || shared === '';
  const gocache = own ? mkdtempSync(join(tmpdir(), `weft-e2e-${name}-gocache-`)) : shared;
  const env: NodeJS.ProcessEnv = { ...process.env, GOCACHE: gocache, WEFT_CACHE: join(tmpdir(), 'weft-e2e-cache'), GOFLAGS: '', GOTOOLCHAIN: testGotoolchain, GOPROXY: 'off' };
  for (const k of Object.keys(env)) {
    if (k.startsWith('WEFT_') && k !== 'WEFT_CACHE') delete env[k];
  }
  if (testGo !== 'go') env['WEFT_GO'] = testGo;
  // The weft cache is shared by every test file and kept between runs: a plan another test (or
  // an earlier run) stored there would change the counts tests hold fixed (go list runs, files
  // screened). test/e2e/plan-store.test.ts keeps plans, in weft caches of its own.
  env['WEFT_PLAN_CACHE'] = 'off';
  // The in-process build unless a test asks for the daemon (test/e2e/daemon.test.ts), which
  // then gets a runtime directory of its own and stops its daemons.
  if (opts.daemon !== true) env['WEFT_DAEMON'] = 'off';
  return { env, cleanup: () => (own ? rmSync(gocache, { recursive: true, force: true }) : undefined) };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill the process after this long (a hang must fail the test, never block the suite). */
  timeoutMs?: number;
  /** Called with each stderr chunk (e.g. to act in the middle of a build). */
  onStderr?: (chunk: string, pid: number) => void;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      opts.onStderr?.(c, child.pid ?? 0);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function runWeft(args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return run(process.execPath, [weftBin, ...args], opts);
}

export interface StatsJson {
  compileRequests: number;
  linkRequests: number;
  unchanged: number;
  woven: number;
  errors: number;
  serverMicrosSum: number;
  serverMicrosP50: number;
  wallMs: number;
  exitCode: number;
  shim: { invocations: number; byKind: Record<string, number>; byTool: Record<string, number>; byToolKind: Record<string, number>; shimMicros: number } | null;
  /** Child processes weft started, by kind. */
  processes: Record<string, number>;
  /** The pipeline that ran and why. */
  mode: { name: BuildModeName; reason: string; overlayFiles?: number; linkFiles?: number } | null;
  plan: { listed: number; candidates: number; woven: number; deferred: number; dependents: number; compileMarks: number; overlayMarks: number; goListRuns: number; filesScanned: number; filesParsed: number; screenedInPool: number; millis: number } | null;
  weave: { packages: number; filesScanned: number; filesParsed: number; filesWoven: number };
  cache: { localHits: number; localMisses: number; stored: number } | null;
  types: { packages: string[]; batches: number };
}

export type BuildModeName = 'overlay' | 'planned' | 'toolexec';

/**
 * The pipelines of `weft go`; tests that run in each set WEFT_MODE and check which one ran. The
 * overlay pass runs in auto mode and asserts that auto picked overlay, or, for the cases an
 * overlay cannot carry, that it planned and why.
 */
export const BUILD_MODES: readonly BuildModeName[] = ['overlay', 'planned', 'toolexec'];

/** Runs `weft go <args>` with WEFT_STATS_JSON and returns the result plus the build's stats. */
export async function runWeftGo(args: readonly string[], opts: RunOptions): Promise<RunResult & { stats: StatsJson }> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-e2e-stats-'));
  const file = join(dir, 'stats.json');
  try {
    const r = await runWeft(['go', ...args], { ...opts, env: { ...opts.env, WEFT_STATS_JSON: file } });
    let stats: StatsJson;
    try {
      stats = JSON.parse(readFileSync(file, 'utf8')) as StatsJson;
    } catch {
      throw new Error(`weft go ${args.join(' ')} wrote no stats (exit ${r.code}):\n${r.stderr}`);
    }
    return { ...r, stats };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Pids of live processes whose command line contains `text` (Linux /proc; none elsewhere), and
 * whose working directory is under `cwdUnder` when given (shims of other tests' builds share
 * the shim's path).
 */
export function processesMentioning(text: string, cwdUnder?: string): number[] {
  const pids: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmdline.includes(text)) continue;
      if (cwdUnder !== undefined && !readlinkSync(`/proc/${name}/cwd`).startsWith(cwdUnder)) continue;
      pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Polls `check` until it returns true or `ms` pass; returns its last answer. Never asserts on time. */
export async function waitUntil(check: () => boolean, ms: number, everyMs = 50): Promise<boolean> {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, everyMs))) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
  }
}

/** The direct children of `pid` (Linux). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * The pipeline fixture's everyday aspect: `println("weft: entering <name>")` at the top of every
 * function named Hello (in `importPath` when given), under aspect id `id`.
 */
export function helloAspect(opts: { id?: string; importPath?: string | null } = {}): string {
  const id = opts.id ?? 'trace-hello';
  const importPath = opts.importPath === undefined ? 'example.com/pipeline/internal/greet' : opts.importPath;
  return [
    'meta:',
    `  name: ${id}`,
    '  description: announces Hello on stderr',
    'aspects:',
    `  - id: ${id}`,
    '    join-point:',
    '      all-of:',
    ...(importPath !== null ? [`        - import-path: ${importPath}`] : []),
    '        - function-body:',
    '            function:',
    '              - name: Hello',
    '    advice:',
    '      prepend-statements:',
    `        template: 'println("weft: entering {{ .Function.Name }}")'`,
    '',
  ].join('\n');
}

/** The stats JSON of a build that went through the daemon. */
export type DaemonStats = StatsJson & { daemon: { warm: boolean; planReused: boolean | 'rescreened' | 'replanned' | null } | null };

/** Sets every file's and directory's times to `when`, as a cache restore or a fresh clone does. */
export function resetTimes(dir: string, when: Date): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) resetTimes(p, when);
    utimesSync(p, when, when);
  }
  utimesSync(dir, when, when);
}

/**
 * Sets every file's times a minute back, as in an edit loop: files written within the file
 * system's time granularity of a check are compared by content (plans) or not trusted at all
 * (the configuration, go env) by the daemon.
 */
export function backdate(dir: string): void {
  const then = new Date(Date.now() - 60_000);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) backdate(p);
    utimesSync(p, then, then);
  }
}

/**
 * The `-p` of every compiler run in an `strace -f -e trace=execve -s 4096` log (version queries
 * have none). A compile is one execve of the compiler with its own argument list (its `-o` names
 * the action's own $WORK directory, so the same list twice is one compile shown twice). When a
 * thread other than a process's first one execs (the Go shim is multi-threaded), strace prints
 * the call on that thread's line as unfinished and its result under the process's pid, which
 * cannot be told apart from another process's without tracing clone: an unfinished call counts
 * unless the same thread's result says it failed, and a call shown on several threads counts once
 * when any of them did not fail.
 */
export function compiledPackages(trace: string): string[] {
  const calls = new Map<string, { pkg: string; shown: number; failed: number }>();
  const pending = new Map<string, string>();
  for (const line of trace.split('\n')) {
    const pid = /^(\d+)\s+/.exec(line)?.[1] ?? '';
    if (line.includes('<... execve resumed>')) {
      const args = pending.get(pid);
      pending.delete(pid);
      if (args !== undefined && / = -1 /.test(line)) calls.get(args)!.failed++;
      continue;
    }
    const m = /execve\("([^"]*\/compile)", \[(.*)\]/.exec(line);
    if (m === null) continue;
    const pkg = /"-p", "([^"]+)"/.exec(m[2]!)?.[1];
    if (pkg === undefined) continue;
    const args = m[2]!;
    const call = calls.get(args) ?? { pkg, shown: 0, failed: 0 };
    calls.set(args, call);
    call.shown++;
    // A thread that is not its process's leader exec-ing: strace ends the line with the pid the
    // process keeps and prints the result under that pid (Go's syscall.Exec runs on any thread).
    const changed = /<pid changed to (\d+) \.\.\.>$/.exec(line)?.[1];
    if (line.endsWith('<unfinished ...>')) pending.set(pid, args);
    else if (changed !== undefined) pending.set(changed, args);
    else if (!/ = 0$/.test(line)) call.failed++;
  }
  return [...calls.values()].filter((c) => c.failed < c.shown).map((c) => c.pkg);
}

/** Packages (main excepted: one per binary) compiled more than once, with their counts. */
export function compiledTwice(pkgs: readonly string[]): string[] {
  const n = new Map<string, number>();
  for (const p of pkgs) n.set(p, (n.get(p) ?? 0) + 1);
  return [...n].filter(([p, c]) => c > 1 && p !== 'main').map(([p, c]) => `${p} ×${c}`);
}

/** What a terminal shows after `raw`: \\r, ESC[K, \\n and printable text; other escapes dropped. */
export function renderScreen(raw: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\r') col = 0;
    else if (c === '\n') {
      row++;
      col = 0;
      if (lines[row] === undefined) lines[row] = '';
    } else if (c === '\x1b') {
      const m = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(raw.slice(i));
      if (m === null) continue;
      if (m[2] === 'K') lines[row] = lines[row]!.slice(0, col);
      i += m[0].length - 1;
    } else {
      const l = lines[row]!.padEnd(col, ' ');
      lines[row] = l.slice(0, col) + c + l.slice(col + 1);
      col++;
    }
  }
  return lines;
}
