// npm run bench:scan (after scan.js), or node dist/test/bench/plan-screen.js — a plan's screening
// of every listed package (go list -deps, std included), on the server's thread against the
// worker pool, in the same run: a generated 2000-package module with four call/body aspects, and
// the dd-trace-go fixture with its own aspects (skipped when its modules are not in GOMODCACHE).
// "pool, cold" starts the threads as a one-off build does; "pool, warm" has them running, as a
// daemon does. Wall and process CPU (all threads), median [min–max] of WEFT_BENCH_RUNS runs; a
// sweep over how many files the plan scans places the threshold (POOL_MIN_FILES). Files come
// from the page cache (a first untimed pass reads them). Prints figures; asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '../../src/config/advice/common.js';
import type { ResolvedAspect, ResolvedConfig, SourceLocation } from '../../src/config/types.js';
import type { WorkerPool } from '../../src/pool/index.js';
import { runGoList } from '../../src/resolve/index.js';
import { weaveInputOfListed } from '../../src/weaving/weave-input.js';
import { discoverConfiguration, loadBuildConfig } from '../../src/weaving/prepare.js';
import { createWeavePool } from '../../src/weaving/weaver.js';
import type { WeavePackageInput } from '../../src/weave/api.js';
import { POOL_MIN_FILES, screenPackages, TASK_FILES } from '../../src/weave/index.js';
import { repoRoot, spreadOf } from './bench-util.js';
import { writeTreeModule } from './monorepo.js';

const RUNS = Number(process.env.WEFT_BENCH_RUNS ?? 5);
const LOC: SourceLocation = { file: 'bench.yml', line: 1, path: 'aspects' };
const tmpl = (source: string) => ({ source, imports: {}, lang: null, location: LOC });
const call = (id: string, path: string, name: string): ResolvedAspect => ({
  id, location: LOC,
  joinPoint: { kind: 'function-call', callee: { path, name }, location: LOC },
  advice: [{ kind: 'wrap-expression', namespace: DEFAULT_NAMESPACE, order: 0, location: LOC, template: tmpl('{{ . }}') }],
});
const body = (id: string, name: string): ResolvedAspect => ({
  id, location: LOC,
  joinPoint: { kind: 'function-body', function: { kind: 'function', options: [{ kind: 'name', name }], location: LOC }, location: LOC },
  advice: [{ kind: 'prepend-statements', namespace: DEFAULT_NAMESPACE, order: 0, location: LOC, template: tmpl('println()') }],
});
const SMALL: ResolvedConfig = {
  files: [], injectedPackages: [], fingerprint: 'bench-plan',
  aspects: [call('get', 'net/http', 'Get'), call('sql-open', 'database/sql', 'Open'), call('errors-new', 'errors', 'New'), body('serve', 'ServeHTTP')],
};
const silent = { debug: () => {} };

interface Case { name: string; inputs: WeavePackageInput[]; config: ResolvedConfig }

async function listInputs(dir: string, patterns: string[], env: NodeJS.ProcessEnv): Promise<WeavePackageInput[]> {
  const goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  const listing = await runGoList(patterns, { go: 'go', dir, env, flags: [], export: false });
  if (listing.exitCode !== 0) throw new Error(`${listing.command}: ${listing.stderr.slice(0, 500)}`);
  return listing.packages.flatMap((p) => {
    const input = p.Error === undefined ? weaveInputOfListed({ goVersion, moduleRoot: dir }, p, {}) : null;
    return input === null ? [] : [input];
  });
}

interface Timing { wall: number; cpu: number; inPool: number; scanned: number }

async function timeScreen(inputs: WeavePackageInput[], config: ResolvedConfig, pool: WorkerPool | null, taskFiles = TASK_FILES): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await screenPackages(inputs, config, { pool, poolMinFiles: 0, taskFiles });
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const scanned = r.screenings.reduce((n, s) => n + (s.verdict === 'none' ? s.result.stats.filesScanned : 0), 0);
  return { wall, cpu: (c.user + c.system) / 1000, inPool: r.inPool, scanned };
}

/** One timing per path and run, the paths alternating so that drift hits all alike. */
async function compare(inputs: WeavePackageInput[], config: ResolvedConfig, runs: number): Promise<Record<string, Timing[]>> {
  const out: Record<string, Timing[]> = { here: [], 'pool, cold': [], 'pool, warm': [] };
  const warm = await createWeavePool(silent);
  await timeScreen(inputs, config, null); // page cache, module loading
  await timeScreen(inputs, config, warm); // threads started, scanner loaded
  for (let r = 0; r < runs; r++) {
    out['here']!.push(await timeScreen(inputs, config, null));
    const cold = await createWeavePool(silent);
    out['pool, cold']!.push(await timeScreen(inputs, config, cold));
    await cold.close();
    out['pool, warm']!.push(await timeScreen(inputs, config, warm));
  }
  await warm.close();
  return out;
}

const fmt = (xs: number[]): string => {
  const s = spreadOf(xs);
  return `${s.median.toFixed(1).padStart(7)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
};

function report(c: Case, timings: Record<string, Timing[]>): void {
  const files = c.inputs.reduce((n, i) => n + i.files.length, 0);
  const first = Object.values(timings)[0]![0]!;
  console.log(`\n${c.name}: ${c.inputs.length} packages with Go files, ${files} files, ${c.config.aspects.length} aspects; ${first.scanned} files scanned by packages left unmarked`);
  console.log(`  ${'path'.padEnd(12)} ${'wall ms'.padStart(22)} ${'CPU ms'.padStart(24)}  packages in pool`);
  for (const [path, ts] of Object.entries(timings)) {
    console.log(`  ${path.padEnd(12)} ${fmt(ts.map((t) => t.wall)).padStart(22)} ${fmt(ts.map((t) => t.cpu)).padStart(24)}  ${ts[0]!.inPool}`);
  }
}

async function main(): Promise<void> {
  console.log(`plan screening: median [min–max] of ${RUNS} runs (WEFT_BENCH_RUNS); POOL_MIN_FILES ${POOL_MIN_FILES}, TASK_FILES ${TASK_FILES}`);
  const work = mkdtempSync(join(tmpdir(), 'weft-bench-plan-'));
  try {
    const mod = join(work, 'mono');
    mkdirSync(mod);
    writeTreeModule(mod, { packages: 2000, generator: 'test/bench/plan-screen.ts', stdFor: (i) => (i % 2 === 0 ? ['fmt', 'strings'] : ['strconv', 'errors']), main: 'all', goVersion: '1.24.0' });
    const env = { ...process.env, GOFLAGS: '-mod=mod' };
    const mono: Case = { name: 'generated module, 2000 packages', inputs: await listInputs(mod, ['./...'], env), config: SMALL };
    report(mono, await compare(mono.inputs, mono.config, RUNS));

    const dd = await ddtraceCase(env);
    if (typeof dd === 'string') console.log(`\ndd-trace-go fixture: skipped (${dd})`);
    else report(dd, await compare(dd.inputs, dd.config, RUNS));

    // Where the pool starts to pay: the first packages of the 2000-package listing, up to N files.
    console.log('\nthreshold sweep (generated module, first packages up to N files; wall ms, median):');
    console.log(`  ${'files'.padStart(6)} ${'here'.padStart(8)} ${'cold'.padStart(8)} ${'warm'.padStart(8)}`);
    for (const n of [100, 250, 500, 1000, 1500, 2000]) {
      const subset: WeavePackageInput[] = [];
      let files = 0;
      for (const i of mono.inputs) {
        if (files >= n) break;
        subset.push(i);
        files += i.files.length;
      }
      const t = await compare(subset, SMALL, RUNS);
      const m = (k: string): string => spreadOf(t[k]!.map((x) => x.wall)).median.toFixed(1).padStart(8);
      console.log(`  ${String(files).padStart(6)} ${m('here')} ${m('pool, cold')} ${m('pool, warm')}`);
    }

    console.log('\nfiles per pool task (generated module, warm pool; wall / CPU ms, median):');
    const pool = await createWeavePool(silent);
    await timeScreen(mono.inputs, SMALL, pool);
    for (const size of [8, 32, 64, 256]) {
      const ts: Timing[] = [];
      for (let r = 0; r < RUNS; r++) ts.push(await timeScreen(mono.inputs, SMALL, pool, size));
      console.log(`  ${String(size).padStart(4)}: ${spreadOf(ts.map((t) => t.wall)).median.toFixed(1)} / ${spreadOf(ts.map((t) => t.cpu)).median.toFixed(1)}`);
    }
    await pool.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The dd-trace-go fixture's listing with its own aspects (orchestrion.tool.go), when its modules are at hand. */
async function ddtraceCase(env: NodeJS.ProcessEnv): Promise<Case | string> {
  const dir = join(repoRoot, 'test', 'e2e', 'fixtures', 'ddtrace-service');
  const ddEnv = { ...env, GOFLAGS: '-mod=readonly', GOPROXY: 'off' };
  try {
    const discovery = discoverConfiguration({ env: ddEnv, startDir: dir });
    const { config } = await loadBuildConfig({ discovery, go: 'go', dir, env: ddEnv, buildFlags: [], cacheDir: null });
    return { name: 'dd-trace-go fixture (go list -deps .)', inputs: await listInputs(dir, ['.'], ddEnv), config };
  } catch (e) {
    return `${(e as Error).message.split('\n')[0]}; run the dd-trace e2e test once to fetch its modules`;
  }
}

await main();
