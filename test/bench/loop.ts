// `npm run bench:loop`: the everyday edit loop with a warm GOCACHE, plain `go build` against
// `weft go build` in-process (WEFT_DAEMON=off, one row per --weft-mode) and through weft's
// daemon (`node bin/weft.js go`, and a launcher given with --weft-bin), in alternating rounds,
// plus the daemon's RSS over many builds. Prints markdown tables; writes them and the raw runs
// (JSON) to bench-results/. docs/performance.md says how to read and reproduce them.
//
// Cases (--cases=edit6,edit200,noop,rss):
//   edit6   150 packages; each run changes the body of a small function of the bottom of a
//           5-package import chain, so 6 packages recompile (the chain and main), then builds.
//   edit200 200 packages that all import one package; each run changes the body of its small
//           function: 200 recompile.
//   noop    the edit6 module, nothing changed: every package is a cache hit.
//   rss     1000 packages (the bench:build tree); the daemon's RSS after the 1st … 50th warm
//           build, a leaf edited before each (daemon rows only; "daemon unavailable" without one).
// weft builds with an aspect that matches nothing. Flags: --runs=N (10), --cases=…,
// --modes=planned,toolexec,overlay (in-process), --daemon-modes=default (through the daemon;
// `default` passes no --weft-mode, `none` drops the daemon rows), --weft-bin=<launcher>,
// --rss-builds=50, --out=<dir>. A mode weft rejects, a daemon that is not there and a launcher
// that fails are reported as unavailable and the rest runs. Every daemon started here lives in a
// private XDG_RUNTIME_DIR and is stopped at the end. Asserts nothing about time.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { flag, repoRoot, timedRun, weftBin } from './bench-util.js';
import { daemonStatus, firstLine, goEnvBase, NO_MATCH_CONFIG, prepareWeft, probeWeftMode, processCpuMs, procStatus, removeInBackground, run, stopDaemons, usePrivateRuntimeDir, writeProbeModule, type DaemonInfo } from './build-env.js';
import { formatLoopTable, formatRssTable, rssGrowth, type LoopCaseResult, type LoopSample, type LoopToolResult, type RssPoint, type RssResult } from './loop-report.js';
import { leafOf, loopEditTarget, loopRecompiles, MAIN_DIR, writeLoopModule, writeLoopPackage, writeTreeModule, writeTreePackage, type LoopModule, type TreeModule } from './monorepo.js';

const RUNS = Number(flag('runs', 'WEFT_BENCH_RUNS', '10'));
const CASES = flag('cases', 'WEFT_BENCH_CASES', 'edit6,edit200,noop,rss').split(',').filter(Boolean);
const MODES = flag('modes', 'WEFT_BENCH_MODES', 'planned,toolexec,overlay').split(',').filter(Boolean);
const DAEMON_MODES = flag('daemon-modes', 'WEFT_BENCH_DAEMON_MODES', 'default').split(',').filter((m) => m !== '' && m !== 'none');
// bin/weft (the sh launcher and the Go front end) is what `weft` runs once installed: measured by default.
const WEFT_BIN = flag('weft-bin', 'WEFT_BENCH_WEFT_BIN', join(repoRoot, 'bin', 'weft'));
const RSS_BUILDS = Number(flag('rss-builds', 'WEFT_BENCH_RSS_BUILDS', '50'));
const RSS_PACKAGES = 1000;
const OUT = resolve(flag('out', 'WEFT_BENCH_OUT', join(repoRoot, 'bench-results')));
const KNOWN_CASES = ['edit6', 'edit200', 'noop', 'rss'];
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(RSS_BUILDS) || RSS_BUILDS < 1 || !CASES.every((c) => KNOWN_CASES.includes(c))) {
  console.error('usage: loop.js [--runs=N] [--cases=edit6,edit200,noop,rss] [--modes=planned,toolexec,overlay] [--daemon-modes=default|none|<mode>,…] [--weft-bin=<launcher>] [--rss-builds=N] [--out=<dir>]');
  process.exit(2);
}

const log = (s: string): void => void process.stderr.write(`bench:loop: ${s}\n`);

interface Tool {
  id: string;
  label: string;
  kind: 'plain' | 'weft';
  /** --weft-mode value ('' = no flag). */
  mode: string;
  /** Through the daemon (else WEFT_DAEMON=off). */
  daemon: boolean;
  /** The command before `go …`: `go` itself for plain go, node + bin/weft.js, or a launcher. */
  front: [string, string[]];
  unavailable?: string;
}

const nodeFront: [string, string[]] = [process.execPath, [weftBin]];

function toolsOf(): Tool[] {
  const tools: Tool[] = [{ id: 'plain', label: 'plain go', kind: 'plain', mode: '', daemon: false, front: ['go', []] }];
  const modeLabel = (m: string): string => (m === '' ? 'auto' : m);
  for (const m of MODES) {
    const mode = m === 'default' ? '' : m;
    tools.push({ id: `weft:${m}`, label: `weft ${modeLabel(mode)} (in-process)`, kind: 'weft', mode, daemon: false, front: nodeFront });
  }
  for (const m of DAEMON_MODES) {
    const mode = m === 'default' ? '' : m;
    tools.push({ id: `daemon:${m}`, label: `weft ${modeLabel(mode)} (daemon, node bin/weft.js)`, kind: 'weft', mode, daemon: true, front: nodeFront });
    if (WEFT_BIN !== '') tools.push({ id: `bin:${m}`, label: `weft ${modeLabel(mode)} (daemon, ${WEFT_BIN})`, kind: 'weft', mode, daemon: true, front: [resolve(WEFT_BIN), []] });
  }
  return tools;
}

const argvOf = (t: Tool, extra: string[] = []): [string, string[]] => [
  t.front[0],
  [...t.front[1], ...(t.kind === 'plain' ? [] : ['go']), 'build', ...(t.mode !== '' ? [`--weft-mode=${t.mode}`] : []), ...extra, '-o', '/dev/null', `./${MAIN_DIR}`],
];

/** Everything the run keeps: where weft caches, which modules and daemons to clean up. */
class Bench {
  readonly daemonDirs = new Set<string>();
  readonly daemonPids = new Set<number>();
  private readonly lastStatus = new Map<string, DaemonInfo>();
  private seq = 0;
  constructor(readonly work: string, readonly weftCache: string, readonly config: string) {}

  /** `gocache` null: the caller's GOCACHE (probes and status queries, whose builds are not measured). */
  envOf(t: Tool, gocache: string | null, statsFile?: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...goEnvBase(), ...(gocache !== null ? { GOCACHE: gocache } : {}) };
    if (t.kind === 'weft') {
      Object.assign(env, { WEFT_CACHE: this.weftCache, WEFT_CONFIG: this.config });
      if (!t.daemon) env['WEFT_DAEMON'] = 'off';
      if (statsFile !== undefined) env['WEFT_STATS_JSON'] = statsFile;
    }
    return env;
  }

  status(dir: string): DaemonInfo | string {
    const s = daemonStatus(dir, this.envOf({ id: '', label: '', kind: 'weft', mode: '', daemon: true, front: nodeFront }, null));
    if (typeof s !== 'string') this.daemonPids.add(s.pid);
    return s;
  }

  /** One timed build of `t` in `dir`; for a daemon tool, the daemon's CPU during it is added and its state recorded. */
  async build(t: Tool, dir: string, gocache: string): Promise<LoopSample> {
    const statsFile = join(this.work, `stats-${++this.seq}.json`);
    if (t.daemon) this.daemonDirs.add(dir);
    // The daemon as the last status after a build saw it (only daemon builds change it), if still alive.
    const last = t.daemon ? this.lastStatus.get(dir) : undefined;
    const before = last !== undefined && procStatus(last.pid) !== null ? last : null;
    const pidBefore = before?.pid ?? null;
    const daemonCpu0 = pidBefore !== null ? processCpuMs(pidBefore) : null;
    const [cmd, argv] = argvOf(t);
    const r = await timedRun(cmd, argv, dir, this.envOf(t, gocache, statsFile));
    const daemonCpu1 = pidBefore !== null ? processCpuMs(pidBefore) : null;
    if (r.code !== 0) throw new Error(firstLine(r.stderr));
    const sample: LoopSample = { wallMs: r.wallMs, cpuMs: r.cpuMs, daemonCpuMs: null, mode: null, viaDaemon: null, daemon: null };
    if (existsSync(statsFile)) {
      const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { mode?: { name?: unknown } | null; daemon?: unknown };
      if (typeof stats.mode?.name === 'string') sample.mode = stats.mode.name;
      if (stats.daemon !== undefined) sample.statsDaemon = stats.daemon;
      rmSync(statsFile, { force: true });
    }
    if (t.daemon) {
      const after = this.status(dir);
      if (typeof after !== 'string') {
        sample.daemon = after;
        this.lastStatus.set(dir, after);
        const buildsBefore = before !== null && before.pid === after.pid ? before.builds : 0;
        sample.viaDaemon = after.builds !== null && buildsBefore !== null ? after.builds > buildsBefore : null;
        if (after.pid === pidBefore && daemonCpu0 !== null && daemonCpu1 !== null) {
          sample.daemonCpuMs = daemonCpu1 - daemonCpu0;
          sample.cpuMs += sample.daemonCpuMs;
        }
      } else {
        this.lastStatus.delete(dir);
        sample.viaDaemon = false;
      }
    }
    return sample;
  }
}

/** The daemon of `dir` once its status names a pid (at most 10 s), else why not. */
function waitForDaemon(bench: Bench, dir: string): DaemonInfo | string {
  const until = Date.now() + 10_000;
  for (;;) {
    const s = bench.status(dir);
    if (typeof s !== 'string' || Date.now() > until) return s;
    spawnSync('sleep', ['0.5']);
  }
}

/** Which tools this weft can run: modes it rejects and a daemon that is not there are unavailable. */
function probe(bench: Bench, tools: Tool[]): void {
  const dir = join(bench.work, 'probe');
  writeProbeModule(dir);
  const gocache = null;
  prepareWeft(dir, bench.envOf(tools.find((t) => t.kind === 'weft' && !t.daemon) ?? { ...tools[0]!, kind: 'weft' }, gocache), log);
  for (const t of tools) {
    if (t.kind === 'plain') continue;
    if (t.front[0] !== process.execPath && !existsSync(t.front[0])) {
      t.unavailable = `--weft-bin=${t.front[0]} does not exist`;
      continue;
    }
    if (t.daemon) bench.daemonDirs.add(dir);
    const why = probeWeftMode(dir, bench.envOf(t, gocache), t.mode, t.front);
    if (why !== null) {
      t.unavailable = why;
      continue;
    }
    if (t.daemon) {
      // The first build may start the daemon and not wait for it: give it a second build and a few seconds.
      let s = waitForDaemon(bench, dir);
      if (typeof s === 'string' && probeWeftMode(dir, bench.envOf(t, gocache), t.mode, t.front) === null) s = waitForDaemon(bench, dir);
      if (typeof s === 'string') t.unavailable = `daemon unavailable: ${s}`;
    }
  }
  if (tools.some((t) => t.daemon)) stopDaemons([dir], bench.daemonPids, bench.envOf(tools[0]!, gocache), log);
  for (const t of tools) if (t.unavailable !== undefined) log(`${t.label}: unavailable: ${t.unavailable}`);
}

/** A generated module with a plain go GOCACHE seeded once and copied for each tool. */
interface Module {
  dir: string;
  gocache: Map<string, string>;
}

async function setUpModule(bench: Bench, name: string, write: (dir: string) => void, tools: Tool[]): Promise<Module> {
  const dir = join(bench.work, name);
  mkdirSync(dir);
  write(dir);
  const seed = join(bench.work, `gocache-${name}-seed`);
  log(`${name}: seeding plain go's GOCACHE`);
  const plain = tools.find((t) => t.kind === 'plain')!;
  const seeded = run('go', ['build', '-o', '/dev/null', `./${MAIN_DIR}`], dir, bench.envOf(plain, seed), 1_800_000);
  if (!seeded.ok) throw new Error(`${name}: plain go build failed: ${firstLine(seeded.out)}`);
  const gocache = new Map<string, string>();
  for (const t of tools) {
    if (t.unavailable !== undefined) continue;
    const copy = join(bench.work, `gocache-${name}-${t.id.replace(/\W/g, '_')}`);
    cpSync(seed, copy, { recursive: true });
    gocache.set(t.id, copy);
  }
  return { dir, gocache };
}

/** Packages compiled by one plain `go build -x` after `edit()`: what the case claims to recompile. */
function countRecompiles(bench: Bench, m: Module, edit: () => void): number | null {
  edit();
  const r = run('go', ['build', '-x', '-o', '/dev/null', `./${MAIN_DIR}`], m.dir, { ...goEnvBase(), GOCACHE: m.gocache.get('plain')! });
  if (!r.ok) return null;
  return r.out.split('\n').filter((l) => /\/compile(\.exe)? -o /.test(l)).length;
}

/**
 * The alternating rounds of one loop case: every tool first builds once untimed (its own keys
 * filled, its daemon started and warmed, with one edit when the case edits), then each round
 * runs every tool once, odd rounds in reverse order, editing before each build when asked.
 */
async function loopCase(bench: Bench, name: string, about: string, m: Module, tools: Tool[], edit: (() => void) | null, recompiled: number | null): Promise<LoopCaseResult> {
  const results = new Map<string, LoopToolResult>(tools.map((t) => [t.id, { tool: t.label, kind: t.kind, daemon: t.daemon, ...(t.unavailable !== undefined ? { unavailable: t.unavailable } : {}), samples: [] }]));
  const live = (): Tool[] => tools.filter((t) => results.get(t.id)!.unavailable === undefined);
  const once = async (t: Tool, timed: boolean): Promise<void> => {
    edit?.();
    try {
      const s = await bench.build(t, m.dir, m.gocache.get(t.id)!);
      if (timed) results.get(t.id)!.samples.push(s);
      if (timed) log(`${name}: ${t.label}: ${(s.wallMs / 1000).toFixed(3)} s wall, ${(s.cpuMs / 1000).toFixed(3)} s cpu${s.mode !== null ? `, mode ${s.mode}` : ''}${s.viaDaemon !== null ? `, via daemon ${s.viaDaemon ? 'yes' : 'no'}` : ''}${s.daemon !== null ? `, daemon VmRSS ${((s.daemon.vmRssKb ?? 0) / 1024).toFixed(0)} MiB` : ''}`);
    } catch (e) {
      results.get(t.id)!.unavailable = `build failed: ${(e as Error).message}`;
      log(`${name}: ${t.label}: build failed: ${(e as Error).message}`);
    }
  };
  for (const t of live()) {
    await once(t, false);
    if (edit !== null && results.get(t.id)!.unavailable === undefined) await once(t, false);
  }
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? live() : live().reverse();
    for (const t of order) await once(t, true);
  }
  return { case: name, about, recompiled, tools: tools.map((t) => results.get(t.id)!) };
}

/** The daemon's RSS over RSS_BUILDS warm builds of the 1000-package module, a leaf edited before each. */
async function rssCase(bench: Bench, tools: Tool[]): Promise<RssResult> {
  const t = tools.find((x) => x.daemon && x.unavailable === undefined);
  const label = t?.label ?? 'weft (daemon)';
  if (t === undefined) {
    const why = (tools.find((x) => x.daemon)?.unavailable ?? 'no daemon row asked for (--daemon-modes=none)').replace(/^daemon unavailable: /, '');
    return { tool: label, packages: RSS_PACKAGES, unavailable: why, points: [] };
  }
  const tree: TreeModule = { packages: RSS_PACKAGES, generator: 'test/bench/loop.ts', stdFor: () => ['fmt', 'strings'], main: 'all', goVersion: '1.24.0' };
  const m = await setUpModule(bench, 'rss', (dir) => writeTreeModule(dir, tree), [tools[0]!, t]);
  const gocache = m.gocache.get(t.id)!;
  // weft's own keys (if its mode has any) filled in-process, so build 1 is a warm build of the daemon.
  const inProcess: Tool = { ...t, daemon: false, front: nodeFront };
  const filled = run(inProcess.front[0], argvOf(inProcess)[1], m.dir, bench.envOf(inProcess, gocache), 1_800_000);
  if (!filled.ok) return { tool: label, packages: RSS_PACKAGES, unavailable: `in-process build failed: ${firstLine(filled.out)}`, points: [] };
  const checkpoints = new Set([1, 2, 5, 10, 20, 30, 40, RSS_BUILDS].filter((k) => k <= RSS_BUILDS));
  const points: RssPoint[] = [];
  let salt = 1_000_000;
  for (let k = 1; k <= RSS_BUILDS; k++) {
    writeTreePackage(m.dir, tree, leafOf(tree), 'edited', ++salt);
    const s = await bench.build(t, m.dir, gocache);
    if (checkpoints.has(k)) {
      points.push({ build: k, wallMs: s.wallMs, daemon: s.daemon, viaDaemon: s.viaDaemon });
      log(`rss: after build ${k}: ${s.daemon === null ? 'no daemon' : `pid ${s.daemon.pid}, VmRSS ${((s.daemon.vmRssKb ?? 0) / 1024).toFixed(1)} MiB, reported ${((s.daemon.reportedRssKb ?? 0) / 1024).toFixed(1)} MiB`}; ${(s.wallMs / 1000).toFixed(3)} s`);
    }
  }
  return { tool: label, packages: RSS_PACKAGES, points };
}

function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'weft-bench-loop-'));
  usePrivateRuntimeDir(work);
  const config = join(work, 'no-match.yml');
  writeFileSync(config, NO_MATCH_CONFIG);
  const bench = new Bench(work, join(work, 'weft-cache'), config);
  const cleanUp = (): void => {
    stopDaemons(bench.daemonDirs, bench.daemonPids, bench.envOf({ id: '', label: '', kind: 'weft', mode: '', daemon: true, front: nodeFront }, null), log);
    // GOCACHEs of a thousand packages take long to delete on a busy disk: the results are out already.
    removeInBackground(work);
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`${sig}: stopping the daemons started here`);
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const loadStart = loadavg();
    const tools = toolsOf();
    log(`${RUNS} round(s); cases ${CASES.join(', ')}; tools ${tools.map((t) => t.label).join(', ')}; load average ${loadStart}`);
    probe(bench, tools);
    const results: LoopCaseResult[] = [];
    let salt = 0;
    const chain: LoopModule = { packages: 150, shape: 'chain', depth: 5, generator: 'test/bench/loop.ts' };
    const hub: LoopModule = { packages: 200, shape: 'hub', depth: 0, generator: 'test/bench/loop.ts' };
    let chainModule: Module | null = null;
    if (CASES.includes('edit6') || CASES.includes('noop')) chainModule = await setUpModule(bench, 'chain150', (dir) => writeLoopModule(dir, chain), tools);
    if (CASES.includes('edit6')) {
      const edit = (): void => writeLoopPackage(chainModule!.dir, chain, loopEditTarget(chain), ++salt);
      const n = countRecompiles(bench, chainModule!, edit);
      if (n !== loopRecompiles(chain)) log(`edit6: plain go recompiled ${n} packages after an edit, not ${loopRecompiles(chain)}`);
      results.push(await loopCase(bench, 'edit, 6 recompiled', '150 packages, the body of an inlinable function of the bottom of a 5-package import chain changed before each build (warm GOCACHE)', chainModule!, tools, edit, n));
    }
    if (CASES.includes('noop')) {
      results.push(await loopCase(bench, 'no-op', '150 packages, nothing changed: every package a cache hit', chainModule!, tools, null, null));
    }
    if (CASES.includes('edit200')) {
      const m = await setUpModule(bench, 'hub200', (dir) => writeLoopModule(dir, hub), tools);
      const edit = (): void => writeLoopPackage(m.dir, hub, loopEditTarget(hub), ++salt);
      const n = countRecompiles(bench, m, edit);
      if (n !== loopRecompiles(hub)) log(`edit200: plain go recompiled ${n} packages after an edit, not ${loopRecompiles(hub)}`);
      results.push(await loopCase(bench, 'edit, 200 recompiled', '200 packages that all import one package, the body of its inlinable function changed before each build (warm GOCACHE)', m, tools, edit, n));
    }
    const rss = CASES.includes('rss') ? await rssCase(bench, tools) : null;
    const date = new Date().toISOString();
    const title = `weft edit-loop benchmark, ${date.slice(0, 16).replace('T', ' ')} UTC; ${RUNS} round(s); load average ${loadStart} at the start, ${loadavg()} at the end; took ${((Date.now() - started) / 1000).toFixed(0)} s`;
    const legend = [
      'wall: spawn to exit of the command; CPU: user+sys of its process tree, plus, for daemon rows, the daemon\'s own CPU during the build',
      '(read from /proc/<pid>/stat before and after). Ratios pair each run with plain go\'s run of the same round. mode ran: weft\'s',
      'stats (mode.name). via daemon: runs the daemon counted (its builds went up). daemon RSS: VmRSS after the last run.',
    ].join('\n');
    const sections = [formatLoopTable(results), legend];
    if (rss !== null) {
      sections.push(`Daemon RSS, ${rss.packages} packages, ${rss.tool}, a leaf edited before each build:\n\n${formatRssTable(rss)}`);
      const g = rssGrowth(rss);
      if (g !== null) log(`daemon RSS after build ${g.last} / after build ${g.first}: ${g.ratio.toFixed(2)}×`);
    }
    const text = `${title}\n\n${sections.join('\n\n')}\n`;
    console.log(text);
    mkdirSync(OUT, { recursive: true });
    const stem = join(OUT, `loop-${date.replace(/[:.]/g, '-')}`);
    writeFileSync(`${stem}.md`, text);
    writeFileSync(`${stem}.json`, `${JSON.stringify({ date, runs: RUNS, loadStart, loadEnd: loadavg(), cases: results, rss }, null, 2)}\n`);
    log(`wrote ${stem}.md and .json`);
  } finally {
    cleanUp();
  }
}

await main();
