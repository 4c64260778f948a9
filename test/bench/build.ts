// `npm run bench:build`: plain `go build` against `weft go build` (one row per --weft-mode) and
// orchestrion v1.8.0, side by side on the same sources, in alternating rounds (each round runs
// every tool once; odd rounds in reverse order), and prints a markdown table of wall time, CPU
// of the whole process tree, processes started and the weft process's peak RSS. The table and
// the raw figures (JSON) also go to bench-results/ (git-ignored). docs/performance.md says what
// each column means and how the published figures were made.
//
// Cases: generated modules of 200, 1000 and 2000 packages (test/bench/monorepo.ts; weft with an
// aspect that matches nothing, so the shim and server still see every compile; orchestrion with
// its built-in aspects only), and the dd-trace-go fixture (test/e2e/fixtures/ddtrace-service),
// where plain go builds a copy whose main blank-imports the integrations the fixture pins in
// orchestrion.tool.go, so the difference is the instrumentation alone.
// Variants: fresh = a new empty GOCACHE per run (and an empty weft cache apart from its built
// shim and type oracle); warm = the tool's own GOCACHE already holds a complete build of the
// case, and one leaf package gets a new exported function value, so that package, its importers
// and the link run again.
// ci (--variants=ci, or one of its shapes by name): the builds of a CI job, plain go against weft
// (orchestrion is left out), all with CI=true (weft runs no daemon) and -trimpath (without it
// go's keys hold the checkout's directory, and a checkout at a new path recompiles everything).
// Every build gets the checkout copied to a new directory with every file time set to one old
// date, as a cache restore or a fresh clone leaves it. ci-edit: GOCACHE and WEFT_CACHE are the
// tool's own from the build before, and one leaf package is edited; ci-noop: the same, nothing
// edited (a retried job; the untimed build before the rounds is the previous pipeline);
// ci-cold: a new empty GOCACHE per round, WEFT_CACHE kept (the weave cache restored or remote).
// weft runs through bin/weft as a CI job runs it (its Go front end replays a recorded build
// without Node: plan `replayed`). Its table is in milliseconds, with the difference to plain go
// beside the ratio, weft's planning time and how weft got its plan (when its stats say).
//
// Flags: --quick (200 packages and the fixture, 1 round, weft in its default mode only), --runs=N (default 3), --cases=200,1000,
// 2000,ddtrace, --variants=fresh,warm (also fresh-weave, ci, ci-edit, ci-noop, ci-cold),
// --modes=toolexec,planned (`default` = no --weft-mode flag), --orchestrion=<binary>|skip,
// --count=on|warm|off (count processes with strace in an extra untimed build; --quick counts
// warm builds only, and of the CI shapes all but ci-cold), --cold-runs=N (ci-cold's rounds,
// default --runs: each is a whole build), --weft-before=<another weft checkout, built>
// (one more row, that weft in its default mode, in the same rounds: a change's before and
// after), --out=<dir>.
// Prints figures only; asserts nothing about time.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { flag, repoRoot, timedRun, weftBin } from './bench-util.js';
import { firstLine, goEnvBase, NO_MATCH_CONFIG, prepareWeft, probeWeftMode, proxyEnv, removeInBackground, run, Trash, usePrivateRuntimeDir, writeProbeModule } from './build-env.js';
import { baselineSource, CI_SHAPES, countExecProcesses, formatCiTable, formatPerPackage, formatShares, formatTable, isCiShape, parseWeftStats, resultsJson, type CaseResult, type CiShape, type ToolKind, type ToolResult, type Variant } from './build-report.js';
import { prepareGoRun, releaseGoRun } from '../../src/build/driver.js';
import type { BuildPlan } from '../../src/plan/plan.js';
import { depsOf } from '../../src/resolve/go-list.js';
import { leafOf, MAIN_DIR, writeTreeModule, writeTreePackage, type TreeModule } from './monorepo.js';

const ORCHESTRION_MODULE = 'github.com/DataDog/orchestrion';
const ORCHESTRION_VERSION = 'v1.8.0';
const FIXTURE = join(repoRoot, 'test', 'e2e', 'fixtures', 'ddtrace-service');
const BUNDLE_FIXTURE = join(repoRoot, 'test', 'heavy', 'fixtures', 'ddtrace-bundle');
const RSS_PROBE = pathToFileURL(join(repoRoot, 'dist', 'test', 'bench', 'rss-probe.js')).href;

const quick = process.argv.includes('--quick');
const RUNS = Number(flag('runs', 'WEFT_BENCH_RUNS', quick ? '1' : '3'));
const CASES = flag('cases', 'WEFT_BENCH_CASES', quick ? '200,ddtrace' : '200,1000,2000,ddtrace').split(',').filter(Boolean);
const VARIANTS = flag('variants', 'WEFT_BENCH_VARIANTS', 'fresh,warm').split(',').filter(Boolean).flatMap((v): string[] => (v === 'ci' ? [...CI_SHAPES] : [v])) as Variant[];
const MODES = flag('modes', 'WEFT_BENCH_MODES', quick ? 'default' : 'toolexec,planned').split(',').filter(Boolean);
const ORCHESTRION = flag('orchestrion', 'WEFT_BENCH_ORCHESTRION', '');
const COUNT = flag('count', 'WEFT_BENCH_COUNT', quick ? 'warm' : 'on');
const OUT = resolve(flag('out', 'WEFT_BENCH_OUT', join(repoRoot, 'bench-results')));
const WEFT_BEFORE = flag('weft-before', 'WEFT_BENCH_WEFT_BEFORE', '');
const COLD_RUNS = Number(flag('cold-runs', 'WEFT_BENCH_COLD_RUNS', String(RUNS)));
if (
  !Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(COLD_RUNS) || COLD_RUNS < 1 ||
  !CASES.every((c) => c === 'ddtrace' || c === 'bundle' || (Number.isInteger(Number(c)) && Number(c) >= 2)) ||
  !VARIANTS.every((v) => v === 'fresh' || v === 'fresh-weave' || v === 'warm' || isCiShape(v)) ||
  !['on', 'off', 'warm'].includes(COUNT)
) {
  console.error('usage: build.js [--quick] [--runs=N] [--cases=200,1000,2000,ddtrace,bundle] [--variants=fresh,fresh-weave,warm,ci,ci-edit,ci-noop,ci-cold] [--modes=toolexec,planned,default] [--orchestrion=<binary>|skip] [--count=on|warm|off] [--cold-runs=N] [--weft-before=<checkout>] [--out=<dir>]');
  process.exit(2);
}

const log = (s: string): void => void process.stderr.write(`bench:build: ${s}\n`);

/** Where the benchmark's own wall time goes (the timed builds against everything around them). */
const phases = new Map<string, number>();
async function phase<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    phases.set(name, (phases.get(name) ?? 0) + Date.now() - t0);
  }
}
const describePhases = (): string => [...phases].map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} s`).join(', ');

interface Tool {
  id: string;
  label: string;
  kind: ToolKind;
  /** weft's --weft-mode value ('' = no flag). */
  mode?: string;
  /** Set when the tool cannot run at all (install failed, flag rejected). */
  unavailable?: string;
  /** Another weft's bin/weft.js (--weft-before): weft in its default mode, from that checkout. */
  bin?: string;
}

/** One case as the tools see it: where each builds, what, and how a warm run edits it. */
interface Case {
  name: string;
  /** The generated module's package count (absent for the fixture). */
  packages?: number;
  target: string;
  dirOf(tool: Tool): string;
  envOf(tool: Tool): NodeJS.ProcessEnv;
  /** Gives a leaf package of `dir` (the tool's directory, or a copy of it) a new exported function value. */
  edit(dir: string, salt: number): void;
  /** Tools this case cannot run, with the reason (e.g. orchestrion's pin could not be added). */
  unavailable: Map<string, string>;
}

/**
 * orchestrion v1.8.0 (the release dd-trace-go v2.6.0 pins), built once into a stable directory:
 * `go install module@version` first, then a throwaway module that requires it (some modules
 * refuse `go install …@version`, e.g. when their go.mod has replace directives).
 */
function installOrchestrion(): { bin: string } | { error: string } {
  if (ORCHESTRION === 'skip') return { error: 'skipped (--orchestrion=skip)' };
  if (ORCHESTRION !== '') return existsSync(ORCHESTRION) ? { bin: resolve(ORCHESTRION) } : { error: `--orchestrion=${ORCHESTRION} does not exist` };
  const dir = join(tmpdir(), 'weft-bench-bin');
  const bin = join(dir, `orchestrion-${ORCHESTRION_VERSION}`);
  if (existsSync(bin)) return { bin };
  mkdirSync(dir, { recursive: true });
  log(`installing orchestrion ${ORCHESTRION_VERSION} into ${dir} (once)`);
  const gobin = mkdtempSync(join(dir, 'install-'));
  try {
    const inst = run('go', ['install', `${ORCHESTRION_MODULE}@${ORCHESTRION_VERSION}`], gobin, { ...proxyEnv(), GOFLAGS: '', GOBIN: gobin });
    if (inst.ok && existsSync(join(gobin, 'orchestrion'))) {
      renameSync(join(gobin, 'orchestrion'), bin);
      return { bin };
    }
    log(`go install failed (${firstLine(inst.out)}); trying a throwaway module`);
    writeFileSync(join(gobin, 'go.mod'), 'module example.com/orchestrion-install\n\ngo 1.24\n');
    writeFileSync(join(gobin, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${ORCHESTRION_MODULE}"\n`);
    const get = run('go', ['get', `${ORCHESTRION_MODULE}@${ORCHESTRION_VERSION}`], gobin, proxyEnv());
    const build = get.ok ? run('go', ['build', '-o', bin, ORCHESTRION_MODULE], gobin, proxyEnv()) : get;
    return build.ok && existsSync(bin) ? { bin } : { error: `cannot install orchestrion ${ORCHESTRION_VERSION}: ${firstLine(build.out)}` };
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

/** Pins orchestrion in a module the way its users do: orchestrion.tool.go plus go.mod requires. */
function pinOrchestrion(dir: string): string | null {
  writeFileSync(join(dir, 'orchestrion.tool.go'), `//go:build tools\n\n// Orchestrion's built-in aspects only.\npackage tools\n\nimport _ "${ORCHESTRION_MODULE}"\n`);
  const got = run('go', ['get', `${ORCHESTRION_MODULE}@${ORCHESTRION_VERSION}`], dir, proxyEnv());
  return got.ok ? null : `cannot pin orchestrion in the generated module: ${firstLine(got.out)}`;
}

const LEGEND = [
  'fresh: a new empty GOCACHE for every run (weft: its cache emptied too, except the built shim and type oracle).',
  'warm: the tool\'s own GOCACHE holds a complete build of the case; before each run one leaf package gets a new value in an',
  'exported function, so it, its importers and the link run again. CPU: user+sys of the whole process tree. processes: pids',
  'that exec\'d, counted under strace in one extra untimed build (— = not counted). weft RSS: peak of the weft Node process.',
  'Ratios pair each round with plain go\'s run of the same round.',
].join('\n');

const CI_LEGEND = [
  'CI shapes: every build with CI=true (no daemon) and -trimpath, in a new copy of the checkout with every file time reset to',
  '2020-01-01. ci-edit: the tool\'s GOCACHE and WEFT_CACHE from its build before, one leaf package edited; ci-noop: the same,',
  'nothing edited; ci-cold: an empty GOCACHE, WEFT_CACHE kept. Milliseconds; CPU: user+sys of the whole process tree; × and −',
  'plain pair each round with plain go\'s run of the same round. compiler runs: strace of one extra build of the same shape;',
  'weft compiles: compiles that reached weft; plan: how weft got its plan, per round, when its stats say.',
].join('\n');

function monorepoCase(work: string, packages: number, orchestrion: Tool | undefined): Case {
  const tree: TreeModule = { packages, generator: 'test/bench/build.ts', stdFor: () => ['fmt', 'strings'], main: 'all', goVersion: '1.24.0' };
  const mod = join(work, 'mod');
  mkdirSync(mod);
  writeTreeModule(mod, tree);
  const config = join(work, 'no-match.yml');
  writeFileSync(config, NO_MATCH_CONFIG);
  const unavailable = new Map<string, string>();
  // orchestrion builds its own copy: the same packages plus its pin, which only it needs.
  const orchMod = join(work, 'mod-orchestrion');
  if (orchestrion !== undefined && orchestrion.unavailable === undefined) {
    cpSync(mod, orchMod, { recursive: true });
    const err = pinOrchestrion(orchMod);
    if (err !== null) unavailable.set(orchestrion.id, err);
  }
  const leaf = leafOf(tree);
  return {
    name: `${packages} packages`,
    packages,
    target: `./${MAIN_DIR}`,
    dirOf: (t) => (t.kind === 'orchestrion' ? orchMod : mod),
    envOf: (t) => (t.kind === 'weft' ? { WEFT_CONFIG: config } : {}),
    edit: (dir, salt) => writeTreePackage(dir, tree, leaf, 'edited', salt),
    unavailable,
  };
}

function ddtraceCase(work: string): Case | string {
  const fixture = join(work, 'fixture');
  cpSync(FIXTURE, fixture, { recursive: true });
  const dl = run('go', ['mod', 'download'], fixture, { ...proxyEnv(), GOFLAGS: '-mod=readonly' });
  if (!dl.ok) return `go mod download failed for the fixture: ${firstLine(dl.out)}`;
  const baseline = join(work, 'baseline');
  cpSync(fixture, baseline, { recursive: true });
  writeFileSync(join(baseline, 'zz_bench_baseline.go'), baselineSource(readFileSync(join(fixture, 'orchestrion.tool.go'), 'utf8'), 'main'));
  // orchestrion builds its own copy: whatever it leaves in a module must not reach weft's builds.
  const orchFixture = join(work, 'fixture-orchestrion');
  cpSync(fixture, orchFixture, { recursive: true });
  const dirOf = (t: Tool): string => (t.kind === 'plain' ? baseline : t.kind === 'orchestrion' ? orchFixture : fixture);
  return {
    name: 'dd-trace-go fixture',
    target: '.',
    dirOf,
    envOf: () => ({}),
    edit: (dir, salt) => writeFileSync(join(dir, 'internal', 'memdb', 'zz_bench_edit.go'), `package memdb\n\n// Edit is what a benchmark's warm run changes.\nfunc Edit() int { return ${salt} }\n`),
    unavailable: new Map(),
  };
}

/**
 * The whole dd-trace-go bundle (test/heavy/fixtures/ddtrace-bundle: a gin service, every
 * integration pinned through orchestrion/all/v2). Plain go's baseline adds one file that
 * blank-imports the packages outside plain go's build that the woven binary links: what weft's
 * plan says woven code injects, with their closure, minus what the service builds anyway — each
 * importable one named (another module's internal packages come through their importers).
 */
async function bundleCase(work: string, weftCache: string): Promise<Case | string> {
  const fixture = join(work, 'fixture');
  cpSync(BUNDLE_FIXTURE, fixture, { recursive: true });
  const dl = run('go', ['mod', 'download'], fixture, { ...proxyEnv(), GOFLAGS: '-mod=readonly' });
  if (!dl.ok) return `go mod download failed for the bundle fixture: ${firstLine(dl.out)}`;
  const env: NodeJS.ProcessEnv = { ...goEnvBase(), WEFT_CACHE: weftCache, WEFT_DAEMON: 'off' };
  let plan: BuildPlan | null = null;
  const spec = await prepareGoRun({ args: ['build', '.'], globals: {}, env, cwd: fixture, planOnly: true, onPlan: (p) => (plan = p) });
  await releaseGoRun(spec);
  const planned = plan as BuildPlan | null;
  if (planned === null || planned.injected.length === 0) return 'weft did not plan the bundle fixture (no injected packages to give the baseline)';
  const plainDeps = new Set(run('go', ['list', '-deps', '.'], fixture, env).out.split('\n').filter(Boolean));
  const closure = new Set<string>();
  for (const r of planned.injected) for (const d of [r, ...depsOf(planned.packages, r)]) closure.add(d);
  const extra = [...closure].filter((p) => !plainDeps.has(p)).sort();
  const importable = extra.filter((p) => {
    const l = planned.packages.get(p);
    return l !== undefined && l.Name !== 'main' && !/(^|\/)internal(\/|$)/.test(p) && !p.startsWith('vendor/');
  });
  const baseline = join(work, 'baseline');
  cpSync(fixture, baseline, { recursive: true });
  writeFileSync(join(baseline, 'zz_bench_baseline.go'), [`// Generated by test/bench/build.ts: what the woven binary links beyond plain go's build.`, 'package main', '', 'import (', ...importable.map((p) => `\t_ "${p}"`), ')', ''].join('\n'));
  const got = new Set(run('go', ['list', '-deps', '.'], baseline, env).out.split('\n').filter(Boolean));
  const missing = extra.filter((p) => !got.has(p));
  log(`bundle: woven code injects ${planned.injected.length} packages; the baseline imports ${importable.length} and builds ${extra.length - missing.length} of the ${extra.length} packages plain go lacks${missing.length > 0 ? ` (not reachable from main: ${missing.slice(0, 5).join(' ')}…)` : ''}`);
  const orchFixture = join(work, 'fixture-orchestrion');
  cpSync(fixture, orchFixture, { recursive: true });
  const dirOf = (t: Tool): string => (t.kind === 'plain' ? baseline : t.kind === 'orchestrion' ? orchFixture : fixture);
  return {
    name: 'dd-trace-go bundle',
    target: '.',
    dirOf,
    envOf: () => ({}),
    edit: (dir, salt) => writeFileSync(join(dir, 'zz_bench_edit.go'), `package main\n\n// Edit is what a benchmark's warm run changes.\nfunc Edit() int { return ${salt} }\n`),
    unavailable: new Map(),
  };
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssKb?: number;
  treeRssKb?: number;
  compiles?: number;
  planMs?: number;
  mode?: { name: string; reason?: string };
  planReuse?: string;
}

/** How one build runs beyond the tool and case: in a copy of the checkout, as a CI job. */
interface BuildOptions {
  /** The directory to build in (default: the case's directory for the tool). */
  dir?: string;
  /** CI=true and -trimpath. */
  ci?: boolean;
}

/** argv of one build of `c` by `t` (the weft process loads the RSS probe). */
function commandOf(t: Tool, c: Case, orchestrionBin: string, ci = false): [string, string[]] {
  const build = ['build', ...(ci ? ['-trimpath'] : []), '-o', '/dev/null', c.target];
  if (t.kind === 'plain') return ['go', build];
  if (t.kind === 'orchestrion') return [orchestrionBin, ['go', ...build]];
  const weftArgs = ['go', 'build', ...(t.mode ? [`--weft-mode=${t.mode}`] : []), ...build.slice(1)];
  // A CI shape runs weft as a CI job does: through bin/weft, the launcher (whose Go front end
  // replays a recorded build without starting Node); weft's own peak RSS is then not probed.
  if (ci) return [join(dirname(t.bin ?? weftBin), 'weft'), weftArgs];
  return [process.execPath, ['--import', RSS_PROBE, t.bin ?? weftBin, ...weftArgs]];
}

class Runner {
  private seq = 0;
  constructor(
    private readonly work: string,
    private readonly weftCache: string,
    private readonly orchestrionBin: string,
    readonly trash: Trash,
  ) {}

  private envFor(t: Tool, c: Case, gocache: string, ci = false): { env: NodeJS.ProcessEnv; statsFile: string; rssFile: string } {
    const n = ++this.seq;
    const statsFile = join(this.work, `stats-${n}.json`);
    const rssFile = join(this.work, `rss-${n}.txt`);
    const env: NodeJS.ProcessEnv = { ...goEnvBase(), GOCACHE: gocache, ...c.envOf(t), ...(ci ? { CI: 'true' } : {}) };
    // In-process weft (no daemon): each row measures the mode it names; npm run bench:loop measures the daemon.
    if (t.kind === 'weft') Object.assign(env, { WEFT_CACHE: this.weftCache, WEFT_DAEMON: 'off', WEFT_STATS_JSON: statsFile, WEFT_BENCH_RSS_FILE: rssFile });
    return { env, statsFile, rssFile };
  }

  /** One timed build; throws with go's (or weft's) first error line when it fails. */
  async build(t: Tool, c: Case, gocache: string, o: BuildOptions = {}): Promise<Sample> {
    const { env, statsFile, rssFile } = this.envFor(t, c, gocache, o.ci);
    const [cmd, argv] = commandOf(t, c, this.orchestrionBin, o.ci);
    const r = await timedRun(cmd, argv, o.dir ?? c.dirOf(t), env);
    if (r.code !== 0) throw new Error(firstLine(r.stderr));
    const s: Sample = { wallMs: r.wallMs, cpuMs: r.cpuMs, treeRssKb: r.treeRssKb };
    if (t.kind === 'weft') {
      if (existsSync(rssFile)) s.rssKb = Number(readFileSync(rssFile, 'utf8'));
      if (existsSync(statsFile)) Object.assign(s, parseWeftStats(readFileSync(statsFile, 'utf8')));
      rmSync(statsFile, { force: true });
      rmSync(rssFile, { force: true });
    }
    return s;
  }

  /** The same build under strace (untimed): how many processes it starts. */
  countProcesses(t: Tool, c: Case, gocache: string, o: BuildOptions = {}): { processes: number; byProgram: Record<string, number>; compilerRuns: number } | string {
    const { env } = this.envFor(t, c, gocache, o.ci);
    const [cmd, argv] = commandOf(t, c, this.orchestrionBin, o.ci);
    const out = join(this.work, `strace-${this.seq}.txt`);
    const r = run('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=execve', '-e', 'signal=none', '-s', '256', '-o', out, '--', cmd, ...argv], o.dir ?? c.dirOf(t), env, 1_800_000);
    if (!r.ok) return `strace run failed: ${firstLine(r.out)}`;
    const counted = countExecProcesses(readFileSync(out, 'utf8'));
    rmSync(out, { force: true });
    return counted;
  }

  /** Empties weft's cache except the built shim and type oracle (what `weft prepare` leaves). */
  resetWeftCache(): void {
    if (!existsSync(this.weftCache)) return;
    for (const e of readdirSync(this.weftCache)) if (e !== 'shim' && e !== 'oracle') this.trash.discard(join(this.weftCache, e));
  }
}

const stracePresent = (): boolean => spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;

/**
 * Runs every tool of `c` in `variant`, round by round. Fresh rounds leave the last round's
 * GOCACHE of each tool as its warm seed; a tool that fails is marked unavailable for the case.
 */
async function measure(runner: Runner, c: Case, variant: Variant, tools: Tool[], seeds: Map<string, string>, work: string, salt: { n: number }): Promise<CaseResult> {
  const results = new Map<string, ToolResult>();
  for (const t of tools) {
    const unavailable = t.unavailable ?? c.unavailable.get(t.id);
    results.set(t.id, { tool: t.label, kind: t.kind, ...(unavailable !== undefined ? { unavailable } : {}), wallMs: [], cpuMs: [], processes: null, rssKb: [], mode: t.kind === 'weft' ? '?' : null, compiles: [] });
  }
  const live = (): Tool[] => tools.filter((t) => results.get(t.id)!.unavailable === undefined);
  const cacheFor = (t: Tool, r: number | string): string => {
    if (variant === 'warm') return seeds.get(t.id)!;
    return join(work, `gocache-${t.id.replace(/\W/g, '_')}-${r}`);
  };
  if (variant === 'warm') {
    for (const t of live()) {
      if (seeds.has(t.id)) continue;
      log(`${c.name}: seeding ${t.label}'s GOCACHE`);
      const seed = join(work, `gocache-${t.id.replace(/\W/g, '_')}-seed`);
      try {
        await phase('seed builds', () => runner.build(t, c, seed));
        seeds.set(t.id, seed);
      } catch (e) {
        results.get(t.id)!.unavailable = `build failed: ${(e as Error).message}`;
      }
    }
  }
  const oneBuild = async (t: Tool, r: number | string): Promise<Sample | null> => {
    const gocache = cacheFor(t, r);
    if (variant !== 'warm') {
      await phase('clean-up', () => {
        runner.trash.discard(gocache);
        if (t.kind === 'weft' && variant === 'fresh') runner.resetWeftCache();
      });
    } else {
      c.edit(c.dirOf(t), ++salt.n);
    }
    try {
      return await phase('timed builds', () => runner.build(t, c, gocache));
    } catch (e) {
      results.get(t.id)!.unavailable = `build failed: ${(e as Error).message}`;
      return null;
    }
  };
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? live() : live().reverse();
    for (const t of order) {
      const s = await oneBuild(t, r);
      const res = results.get(t.id)!;
      if (s === null) continue;
      log(`${c.name}, ${variant}, round ${r + 1}: ${t.label} ${(s.wallMs / 1000).toFixed(2)} s wall, ${(s.cpuMs / 1000).toFixed(2)} s cpu${s.rssKb !== undefined ? `, rss ${(s.rssKb / 1024).toFixed(0)} MiB` : ''}${s.compiles !== undefined ? `, ${s.compiles} compiles` : ''}`);
      res.wallMs.push(s.wallMs);
      res.cpuMs.push(s.cpuMs);
      if (s.rssKb !== undefined) res.rssKb.push(s.rssKb);
      if (s.compiles !== undefined) res.compiles.push(s.compiles);
      if (s.planMs !== undefined) (res.planMs ??= []).push(s.planMs);
      if (t.kind === 'weft') {
        res.mode = s.mode?.name ?? '?';
        if (s.mode?.reason !== undefined) res.modeReason = s.mode.reason;
      }
      if (s.treeRssKb !== undefined) (res.treeRssKb ??= []).push(s.treeRssKb);
      if (variant !== 'warm') {
        // The last fresh round's cache is the tool's warm seed: a complete build by that tool.
        const prev = seeds.get(t.id);
        if (r === RUNS - 1) seeds.set(t.id, cacheFor(t, r));
        else runner.trash.discard(cacheFor(t, r));
        if (prev !== undefined && prev !== seeds.get(t.id)) runner.trash.discard(prev);
      }
    }
  }
  if (COUNT === 'on' || (COUNT === 'warm' && variant === 'warm')) {
    if (!stracePresent()) {
      log('strace not found: processes are not counted');
    } else {
      for (const t of live()) {
        const gocache = variant !== 'warm' ? cacheFor(t, 'count') : seeds.get(t.id)!;
        if (variant !== 'warm') {
          runner.trash.discard(gocache);
          if (t.kind === 'weft' && variant === 'fresh') runner.resetWeftCache();
        } else {
          c.edit(c.dirOf(t), ++salt.n);
        }
        const counted = await phase('process counts (strace)', () => runner.countProcesses(t, c, gocache));
        if (variant !== 'warm') runner.trash.discard(gocache);
        if (typeof counted === 'string') log(`${c.name}, ${variant}: ${t.label}: ${counted}`);
        else {
          results.get(t.id)!.processes = counted.processes;
          results.get(t.id)!.processesByProgram = counted.byProgram;
          results.get(t.id)!.compilerRuns = counted.compilerRuns;
          log(`${c.name}, ${variant}: ${t.label} started ${counted.processes} processes (${Object.entries(counted.byProgram).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ')})`);
        }
      }
    }
  }
  return { case: c.name, variant, ...(c.packages !== undefined ? { packages: c.packages } : {}), tools: tools.map((t) => results.get(t.id)!) };
}

/** Every file and directory time under a copied checkout, as a restore or a fresh clone leaves them: one old date. */
const RESTORED_TIME = new Date('2020-01-01T00:00:00Z');

function resetTimes(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) resetTimes(path);
    utimesSync(path, RESTORED_TIME, RESTORED_TIME);
  }
  utimesSync(dir, RESTORED_TIME, RESTORED_TIME);
}

/**
 * One CI shape of `c` for plain go and weft, round by round (odd rounds in reverse order). Each
 * tool keeps its own GOCACHE across the shapes (seeded once by an untimed build, the previous
 * pipeline) and weft its WEFT_CACHE; every build, timed or not, runs in a new copy of the
 * checkout whose file times are reset, edited for ci-edit. ci-noop's untimed first build makes
 * the caches hold the unedited checkout again after ci-edit's edits.
 */
async function measureCi(runner: Runner, c: Case, shape: CiShape, allTools: Tool[], gocaches: Map<string, string>, work: string, salt: { n: number }): Promise<CaseResult> {
  const tools = allTools.filter((t) => t.kind !== 'orchestrion');
  const results = new Map<string, ToolResult>();
  for (const t of tools) {
    const unavailable = t.unavailable ?? c.unavailable.get(t.id);
    results.set(t.id, { tool: t.label, kind: t.kind, ...(unavailable !== undefined ? { unavailable } : {}), wallMs: [], cpuMs: [], processes: null, rssKb: [], mode: t.kind === 'weft' ? '?' : null, compiles: [] });
  }
  const live = (): Tool[] => tools.filter((t) => results.get(t.id)!.unavailable === undefined);
  const slug = (t: Tool): string => t.id.replace(/\W/g, '_');
  let copies = 0;
  /** A new checkout of the tool's sources: copied, times reset, edited for ci-edit. */
  const checkout = (t: Tool, edit: boolean): string => {
    const dir = join(work, `ci-checkout-${++copies}-${slug(t)}`);
    cpSync(c.dirOf(t), dir, { recursive: true });
    resetTimes(dir);
    if (edit) c.edit(dir, ++salt.n);
    return dir;
  };
  const gocacheOf = (t: Tool, r: number | string): string => (shape === 'ci-cold' ? join(work, `ci-gocache-${slug(t)}-cold-${r}`) : gocaches.get(t.id)!);
  const ciBuild = async (t: Tool, gocache: string, timed: boolean): Promise<Sample | null> => {
    const dir = await phase('clean-up', () => checkout(t, shape === 'ci-edit'));
    try {
      return timed ? await phase('timed builds', () => runner.build(t, c, gocache, { dir, ci: true })) : await phase('seed builds', () => runner.build(t, c, gocache, { dir, ci: true }));
    } catch (e) {
      results.get(t.id)!.unavailable = `build failed: ${(e as Error).message}`;
      return null;
    } finally {
      runner.trash.discard(dir);
      if (gocache !== gocaches.get(t.id)) runner.trash.discard(gocache);
    }
  };
  for (const t of live()) {
    if (!gocaches.has(t.id)) {
      log(`${c.name}: the previous pipeline of ${t.label} (CI=true, -trimpath)`);
      gocaches.set(t.id, join(work, `ci-gocache-${slug(t)}`));
      await ciBuild(t, gocaches.get(t.id)!, false);
    } else if (shape === 'ci-noop') {
      log(`${c.name}, ${shape}: the previous pipeline of ${t.label}, unedited`);
      await ciBuild(t, gocaches.get(t.id)!, false);
    }
  }
  for (let r = 0; r < (shape === 'ci-cold' ? COLD_RUNS : RUNS); r++) {
    const order = r % 2 === 0 ? live() : live().reverse();
    for (const t of order) {
      const s = await ciBuild(t, gocacheOf(t, r), true);
      if (s === null) continue;
      const res = results.get(t.id)!;
      log(`${c.name}, ${shape}, round ${r + 1}: ${t.label} ${s.wallMs.toFixed(0)} ms wall, ${s.cpuMs.toFixed(0)} ms cpu${s.compiles !== undefined ? `, ${s.compiles} compiles` : ''}${s.planMs !== undefined ? `, plan ${s.planMs} ms` : ''}${s.planReuse !== undefined ? ` (${s.planReuse})` : ''}`);
      res.wallMs.push(s.wallMs);
      res.cpuMs.push(s.cpuMs);
      if (s.rssKb !== undefined) res.rssKb.push(s.rssKb);
      if (s.treeRssKb !== undefined) (res.treeRssKb ??= []).push(s.treeRssKb);
      if (s.compiles !== undefined) res.compiles.push(s.compiles);
      if (s.planMs !== undefined) (res.planMs ??= []).push(s.planMs);
      if (s.planReuse !== undefined) (res.planReuse ??= []).push(s.planReuse);
      if (t.kind === 'weft') {
        res.mode = s.mode?.name ?? '?';
        if (s.mode?.reason !== undefined) res.modeReason = s.mode.reason;
      }
    }
  }
  // --count=warm counts the shapes with a warm GOCACHE only (a cold one is a whole build more).
  if (COUNT === 'on' || (COUNT === 'warm' && shape !== 'ci-cold')) {
    if (!stracePresent()) log('strace not found: compiler runs are not counted');
    else {
      for (const t of live()) {
        const dir = checkout(t, shape === 'ci-edit');
        const gocache = gocacheOf(t, 'count');
        const counted = await phase('process counts (strace)', () => runner.countProcesses(t, c, gocache, { dir, ci: true }));
        runner.trash.discard(dir);
        if (gocache !== gocaches.get(t.id)) runner.trash.discard(gocache);
        if (typeof counted === 'string') log(`${c.name}, ${shape}: ${t.label}: ${counted}`);
        else {
          Object.assign(results.get(t.id)!, { processes: counted.processes, processesByProgram: counted.byProgram, compilerRuns: counted.compilerRuns });
          log(`${c.name}, ${shape}: ${t.label} ran the compiler ${counted.compilerRuns} times, ${counted.processes} processes`);
        }
      }
    }
  }
  return { case: c.name, variant: shape, ...(c.packages !== undefined ? { packages: c.packages } : {}), tools: tools.map((t) => results.get(t.id)!) };
}

/** Probes each weft mode on a one-package module (and builds the shim and oracle out of the timings). */
function probeWeftModes(work: string, weftCache: string): Tool[] {
  const dir = join(work, 'probe');
  writeProbeModule(dir);
  const env = { ...goEnvBase(), WEFT_CACHE: weftCache, WEFT_DAEMON: 'off' };
  prepareWeft(dir, env, log);
  return MODES.map((m) => {
    const mode = m === 'default' ? '' : m;
    const t: Tool = { id: `weft:${m}`, label: mode === '' ? 'weft' : `weft ${mode}`, kind: 'weft', mode };
    const why = probeWeftMode(dir, env, mode);
    if (why !== null) t.unavailable = why;
    return t;
  });
}

function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const go = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim();
  return `${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${go}, node ${process.version}, load average at start ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'weft-bench-build-'));
  const weftCache = join(work, 'weft-cache');
  try {
    const machine = describeMachine();
    log(`${machine}; ${RUNS} round(s); cases ${CASES.join(', ')}; variants ${VARIANTS.join(', ')}; weft modes ${MODES.join(', ')}`);
    usePrivateRuntimeDir(work);
    const weftTools = await phase('weft prepare and mode probes', () => probeWeftModes(work, weftCache));
    for (const t of weftTools) if (t.unavailable !== undefined) log(`${t.label}: unavailable: ${t.unavailable}`);
    const orch = await phase('orchestrion install', () => installOrchestrion());
    const orchTool: Tool = { id: 'orchestrion', label: `orchestrion ${ORCHESTRION_VERSION}`, kind: 'orchestrion', ...('error' in orch ? { unavailable: orch.error } : {}) };
    if ('error' in orch) log(`orchestrion: ${orch.error}`);
    const before: Tool[] = WEFT_BEFORE === '' ? [] : [{ id: 'weft:before', label: 'weft (before)', kind: 'weft', mode: '', bin: join(resolve(WEFT_BEFORE), 'bin', 'weft.js'), ...(existsSync(join(resolve(WEFT_BEFORE), 'dist')) ? {} : { unavailable: `--weft-before=${WEFT_BEFORE} has no dist/ (build it first)` }) }];
    const tools: Tool[] = [{ id: 'plain', label: 'plain go', kind: 'plain' }, ...weftTools, ...before, orchTool];
    const runner = new Runner(work, weftCache, 'bin' in orch ? orch.bin : '', new Trash(join(work, 'trash')));
    const salt = { n: 0 };
    const results: CaseResult[] = [];
    for (const name of CASES) {
      const caseWork = join(work, `case-${name}`);
      mkdirSync(caseWork);
      log(`preparing ${name === 'ddtrace' ? 'the dd-trace-go fixture' : name === 'bundle' ? 'the dd-trace-go bundle' : `${name} packages`}`);
      const c = await phase('case set-up', () => (name === 'ddtrace' ? ddtraceCase(caseWork) : name === 'bundle' ? bundleCase(caseWork, weftCache) : monorepoCase(caseWork, Number(name), orchTool)));
      if (typeof c === 'string') {
        log(`${name}: skipped: ${c}`);
        continue;
      }
      for (const [id, why] of c.unavailable) log(`${c.name}: ${id}: ${why}`);
      const seeds = new Map<string, string>();
      const ciCaches = new Map<string, string>();
      for (const v of VARIANTS) results.push(await (isCiShape(v) ? measureCi(runner, c, v, tools, ciCaches, caseWork, salt) : measure(runner, c, v, tools, seeds, caseWork, salt)));
      await phase('clean-up', () => runner.trash.discard(caseWork));
    }
    const date = new Date().toISOString();
    const perPackage = formatPerPackage(results);
    const shares = formatShares(results);
    const main = formatTable(results);
    const ci = formatCiTable(results);
    const table = [
      ...(main === '' ? [] : [main, LEGEND]),
      ...(ci === '' ? [] : [ci, CI_LEGEND]),
      ...(shares === '' ? [] : [`weft's overhead as a share of orchestrion's (per round: (weft − plain) / (orchestrion − plain), median (min–max); plan ms: weft's planning before go starts):\n\n${shares}`]),
      ...(perPackage === '' ? [] : [`Per package (the N-package cases divided by N; − plain: what the tool adds per package over plain go in the same round):\n\n${perPackage}`]),
    ].join('\n\n');
    const title = `weft build benchmark, ${date.slice(0, 16).replace('T', ' ')} UTC: ${machine}; ${RUNS} round(s)${quick ? ' (--quick)' : ''}; took ${((Date.now() - started) / 1000).toFixed(0)} s (${describePhases()})`;
    console.log(`${title}\n\n${table}\n`);
    mkdirSync(OUT, { recursive: true });
    const stem = join(OUT, `build-${date.replace(/[:.]/g, '-')}`);
    writeFileSync(`${stem}.md`, `${title}\n\n${table}\n`);
    writeFileSync(`${stem}.json`, resultsJson({ date, machine, runs: RUNS, quick, modes: MODES, orchestrion: 'bin' in orch ? orch.bin : orch.error }, results));
    log(`wrote ${stem}.md and .json`);
  } finally {
    // Removing the run's GOCACHEs can take minutes on a busy disk: the results are out already.
    removeInBackground(work);
  }
}

await main();
