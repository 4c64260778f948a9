// The build benchmark's figures and their markdown table (test/bench/build.ts measures, this
// only computes and formats, so the unit tests can check it). Ratios pair each run with plain
// go's run of the same round, so drift on a shared machine cancels out.
import { parseToolFile } from '../../src/config/tool-file.js';
import { spreadOf, type Spread } from './bench-util.js';

export type ToolKind = 'plain' | 'weft' | 'orchestrion';
/**
 * fresh: empty GOCACHE and weft cache; fresh-weave: empty GOCACHE, weft's weave cache kept from
 * the run before; warm: a complete GOCACHE and one edit. The CI shapes (CI=true, -trimpath, the
 * checkout copied to a new path with its file times reset): ci-edit: GOCACHE and WEFT_CACHE
 * restored from the previous build, one leaf package edited; ci-noop: the same, nothing edited;
 * ci-cold: an empty GOCACHE, WEFT_CACHE (the weave cache) restored.
 */
export type Variant = 'fresh' | 'fresh-weave' | 'warm' | CiShape;
export type CiShape = 'ci-edit' | 'ci-noop' | 'ci-cold';
export const CI_SHAPES: readonly CiShape[] = ['ci-edit', 'ci-noop', 'ci-cold'];
export const isCiShape = (v: string): v is CiShape => (CI_SHAPES as readonly string[]).includes(v);

export interface ToolResult {
  /** 'plain go', 'weft toolexec', 'orchestrion v1.8.0'… */
  tool: string;
  kind: ToolKind;
  /** Why it has no figures (install failed, flag rejected, build failed): its first line. */
  unavailable?: string;
  /** One entry per round, in round order (index r pairs with plain go's round r). */
  wallMs: number[];
  cpuMs: number[];
  /** Processes started by one extra (untimed) build, or null when not counted. */
  processes: number | null;
  /** The counted processes by program name (the last program a process exec'd). */
  processesByProgram?: Record<string, number>;
  /** Peak RSS of the weft process per round, KiB (weft only). */
  rssKb: number[];
  /** Peak summed RSS of the build's whole process tree per round, KiB (sampled every 100 ms). */
  treeRssKb?: number[];
  /** Compiler runs (`-p` given) in the strace-counted build, across every process. */
  compilerRuns?: number;
  /** The mode weft reports it ran in (`?` when its stats do not say); null for other tools. */
  mode: string | null;
  modeReason?: string;
  /** weft's compile requests per round (from its stats). */
  compiles: number[];
  /** weft's planning time per round (its stats' plan.millis; absent when it did not plan). */
  planMs?: number[];
  /** How weft got its plan, per round, as its stats say (absent from weft versions that do not say). */
  planReuse?: string[];
}

export interface CaseResult {
  case: string;
  variant: Variant;
  /** Packages of a generated N-package module (absent for the fixture): the per-package table divides by it. */
  packages?: number;
  tools: ToolResult[];
}

export interface ToolFigures {
  wall: Spread;
  cpu: Spread;
  /** Per-round tool/plain ratios; null for plain go itself or when plain go has no figures. */
  wallRatio: Spread | null;
  cpuRatio: Spread | null;
  rss: Spread | null;
  treeRss: Spread | null;
}

function ratios(xs: readonly number[], base: readonly number[]): Spread | null {
  const paired = xs.flatMap((x, r) => (base[r] !== undefined && base[r]! > 0 ? [x / base[r]!] : []));
  return paired.length === 0 ? null : spreadOf(paired);
}

export function figuresOf(t: ToolResult, plain: ToolResult | undefined): ToolFigures {
  const base = plain !== undefined && plain.unavailable === undefined && t !== plain ? plain : undefined;
  return {
    wall: spreadOf(t.wallMs),
    cpu: spreadOf(t.cpuMs),
    wallRatio: base === undefined ? null : ratios(t.wallMs, base.wallMs),
    cpuRatio: base === undefined ? null : ratios(t.cpuMs, base.cpuMs),
    rss: t.rssKb.length === 0 ? null : spreadOf(t.rssKb),
    treeRss: (t.treeRssKb?.length ?? 0) === 0 ? null : spreadOf(t.treeRssKb!),
  };
}

const seconds = (s: Spread): string =>
  s.n === 1 ? (s.median / 1000).toFixed(2) : `${(s.median / 1000).toFixed(2)} (${(s.min / 1000).toFixed(2)}–${(s.max / 1000).toFixed(2)})`;
const times = (s: Spread | null): string => (s === null ? '—' : s.n === 1 ? `${s.median.toFixed(2)}×` : `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`);
const mib = (s: Spread | null): string => (s === null ? '—' : s.n === 1 ? `${(s.median / 1024).toFixed(0)}` : `${(s.median / 1024).toFixed(0)} (${(s.min / 1024).toFixed(0)}–${(s.max / 1024).toFixed(0)})`);

export const TABLE_HEADER = [
  '| case | GOCACHE | tool | mode | wall s | wall × plain | CPU s | CPU × plain | processes | compiler runs | compiles | weft RSS MiB | peak RSS MiB, all |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];

/**
 * One markdown row per tool of each case and variant (the CI shapes have their own table,
 * formatCiTable); medians with (min–max) when there are several runs. A tool without figures
 * says `unavailable [n]`, the reasons listed once below. Empty when only CI shapes were measured.
 */
export function formatTable(results: readonly CaseResult[]): string {
  const lines = [...TABLE_HEADER];
  const reasons: string[] = [];
  const rows = results.filter((c) => !isCiShape(c.variant));
  if (rows.length === 0) return '';
  for (const c of rows) {
    const plain = c.tools.find((t) => t.kind === 'plain');
    for (const t of c.tools) {
      const head = `| ${c.case} | ${c.variant} | ${t.tool} |`;
      if (t.unavailable !== undefined) {
        if (!reasons.includes(t.unavailable)) reasons.push(t.unavailable);
        lines.push(`${head} — | unavailable [${reasons.indexOf(t.unavailable) + 1}] | — | — | — | — | — | — | — | — |`);
        continue;
      }
      const f = figuresOf(t, plain);
      const compiles = t.compiles.length === 0 ? '—' : String(spreadOf(t.compiles).median);
      lines.push(
        `${head} ${t.mode ?? '—'} | ${seconds(f.wall)} | ${t.kind === 'plain' ? '1.00×' : times(f.wallRatio)} | ${seconds(f.cpu)} | ${t.kind === 'plain' ? '1.00×' : times(f.cpuRatio)} | ${t.processes ?? '—'} | ${t.compilerRuns ?? '—'} | ${compiles} | ${mib(f.rss)} | ${mib(f.treeRss)} |`,
      );
    }
  }
  if (reasons.length > 0) lines.push('', ...reasons.map((why, i) => `[${i + 1}] ${why}`));
  return lines.join('\n');
}

export const SHARE_HEADER = [
  "| case | GOCACHE | tool | CPU over plain | orchestrion's CPU over plain | share of orchestrion's (CPU) | share (wall) | plan ms |",
  '|---|---|---|---|---|---|---|---|',
];

/**
 * Per round, (tool − plain) / (orchestrion − plain): the share of orchestrion's overhead a weft
 * mode has, the figure the dd-trace-go target is stated in. Paired by round like the ratios, since
 * one fresh build varies by ±10% between rounds on a shared machine while the overheads compared
 * are of that size. Rounds where orchestrion was not slower than plain go are left out. Empty
 * when no case has both plain go and orchestrion figures.
 */
export function formatShares(results: readonly CaseResult[]): string {
  const lines = [...SHARE_HEADER];
  for (const c of results) {
    const ok = (t: ToolResult | undefined): t is ToolResult => t !== undefined && t.unavailable === undefined && t.wallMs.length > 0;
    const plain = c.tools.find((t) => t.kind === 'plain');
    const orch = c.tools.find((t) => t.kind === 'orchestrion');
    if (!ok(plain) || !ok(orch)) continue;
    for (const t of c.tools.filter((x) => x.kind === 'weft' && ok(x))) {
      const share = (key: 'cpuMs' | 'wallMs'): Spread | null => {
        const xs = t[key].flatMap((x, r) => {
          const p = plain[key][r];
          const o = orch[key][r];
          return p !== undefined && o !== undefined && o > p ? [(x - p) / (o - p)] : [];
        });
        return xs.length === 0 ? null : spreadOf(xs);
      };
      const cpuOver = (u: ToolResult): string => {
        const r = ratios(u.cpuMs, plain.cpuMs);
        return r === null ? '—' : r.n === 1 ? signedPct(r.median) : `${signedPct(r.median)} (${signedPct(r.min)} to ${signedPct(r.max)})`;
      };
      const plan = t.planMs === undefined || t.planMs.length === 0 ? '—' : String(Math.round(spreadOf(t.planMs).median));
      lines.push(`| ${c.case} | ${c.variant} | ${t.tool} | ${cpuOver(t)} | ${cpuOver(orch)} | ${fraction(share('cpuMs'))} | ${fraction(share('wallMs'))} | ${plan} |`);
    }
  }
  return lines.length === SHARE_HEADER.length ? '' : lines.join('\n');
}

const fraction = (s: Spread | null): string => (s === null ? '—' : s.n === 1 ? s.median.toFixed(2) : `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`);
const signedPct = (ratio: number): string => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(0)}%`;

export const PER_PACKAGE_HEADER = [
  '| GOCACHE | tool | packages | wall ms/pkg | CPU ms/pkg | wall − plain ms/pkg | CPU − plain ms/pkg | CPU ms per added pkg |',
  '|---|---|---|---|---|---|---|---|',
];

/** Per-round (tool − plain go) / packages, paired by round like the ratios. */
function extraPerPackage(xs: readonly number[], base: readonly number[], packages: number): Spread | null {
  const paired = xs.flatMap((x, r) => (base[r] !== undefined ? [(x - base[r]!) / packages] : []));
  return paired.length === 0 ? null : spreadOf(paired);
}

const perPkg = (s: Spread | null): string => (s === null ? '—' : s.n === 1 ? s.median.toFixed(1) : `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`);

/**
 * The N-package cases divided by N, grouped by GOCACHE state and tool with N ascending, so
 * whether a tool's cost per package stays flat from 200 to 2000 packages reads down one column.
 * The − plain columns are what the tool adds per package over plain go in the same round. The
 * last column is the tool's median CPU growth from the previous N over the packages added: the
 * per-package cost without the fixed cost per build (standard library, start-up), which a
 * division by N still contains at small N. Empty when no N-package case was measured.
 */
export function formatPerPackage(results: readonly CaseResult[]): string {
  const sized = results.filter((c) => c.packages !== undefined && c.packages > 0);
  if (sized.length === 0) return '';
  const lines = [...PER_PACKAGE_HEADER];
  const variants = [...new Set(sized.map((c) => c.variant))];
  const tools = [...new Set(sized.flatMap((c) => c.tools.map((t) => t.tool)))];
  for (const v of variants) {
    for (const name of tools) {
      let prev: { n: number; cpu: number } | null = null;
      for (const c of sized.filter((x) => x.variant === v).sort((a, b) => a.packages! - b.packages!)) {
        const t = c.tools.find((x) => x.tool === name);
        if (t === undefined || t.unavailable !== undefined || t.wallMs.length === 0) continue;
        const n = c.packages!;
        const cpu = spreadOf(t.cpuMs).median;
        const marginal = prev === null || n === prev.n ? '—' : ((cpu - prev.cpu) / (n - prev.n)).toFixed(1);
        prev = { n, cpu };
        const plain = c.tools.find((x) => x.kind === 'plain' && x.unavailable === undefined);
        const scale = (xs: readonly number[]): Spread => spreadOf(xs.map((x) => x / n));
        const extra = plain === undefined || t === plain ? null : { wall: extraPerPackage(t.wallMs, plain.wallMs, n), cpu: extraPerPackage(t.cpuMs, plain.cpuMs, n) };
        lines.push(`| ${v} | ${name} | ${n} | ${perPkg(scale(t.wallMs))} | ${perPkg(scale(t.cpuMs))} | ${extra === null ? '—' : perPkg(extra.wall)} | ${extra === null ? '—' : perPkg(extra.cpu)} | ${marginal} |`);
      }
    }
  }
  return lines.join('\n');
}

/**
 * What the benchmark reads from weft's WEFT_STATS_JSON report: the compile requests, the time
 * planning took (`plan.millis`), the mode weft says it ran in (`mode: {name, reason}`; absent
 * from weft versions without modes) and how it got its plan (`planReuse`, the top level's or the
 * plan's `reuse`/`reused`, else the daemon's `planReused`: true = reused, false = made, or a
 * word such as `rescreened`; absent when the report does not say).
 */
export function parseWeftStats(text: string): { compiles?: number; planMs?: number; mode?: { name: string; reason?: string }; planReuse?: string } {
  type Reuse = unknown;
  const s = JSON.parse(text) as { compileRequests?: unknown; planReuse?: Reuse; plan?: { millis?: unknown; reuse?: Reuse; reused?: Reuse } | null; mode?: { name?: unknown; reason?: unknown } | null; daemon?: { planReused?: Reuse } | null };
  const out: { compiles?: number; planMs?: number; mode?: { name: string; reason?: string }; planReuse?: string } = {};
  if (typeof s.compileRequests === 'number') out.compiles = s.compileRequests;
  if (typeof s.plan?.millis === 'number') out.planMs = s.plan.millis;
  if (typeof s.mode?.name === 'string') out.mode = { name: s.mode.name, ...(typeof s.mode.reason === 'string' ? { reason: s.mode.reason } : {}) };
  const reuse = [s.planReuse, s.plan?.reuse, s.plan?.reused, s.daemon?.planReused].find((r) => r !== undefined && r !== null);
  if (reuse === true) out.planReuse = 'reused';
  else if (reuse === false) out.planReuse = 'made';
  else if (typeof reuse === 'string' && reuse !== '') out.planReuse = reuse;
  else if (typeof reuse === 'object' && reuse !== null && typeof (reuse as { state?: unknown }).state === 'string') out.planReuse = (reuse as { state: string }).state;
  return out;
}

export const CI_TABLE_HEADER = [
  '| case | shape | tool | mode | wall ms | wall × plain | wall − plain ms | CPU ms | CPU × plain | CPU − plain ms | compiler runs | weft compiles | plan ms | plan |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];

/** Per-round tool − plain go, paired by round like the ratios. */
function differences(xs: readonly number[], base: readonly number[]): Spread | null {
  const paired = xs.flatMap((x, r) => (base[r] !== undefined ? [x - base[r]!] : []));
  return paired.length === 0 ? null : spreadOf(paired);
}

const ms = (s: Spread | null): string => (s === null ? '—' : s.n === 1 ? s.median.toFixed(0) : `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`);
const signedMs = (s: Spread | null): string => {
  if (s === null) return '—';
  const f = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(0)}`;
  return s.n === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)} to ${f(s.max)})`;
};

/** How a tool got its plans over the rounds: `reused 5`, `made 1, reused 4`… (— when not said). */
export function describeReuse(rounds: readonly string[] | undefined): string {
  if (rounds === undefined || rounds.length === 0) return '—';
  const counts = new Map<string, number>();
  for (const r of rounds) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

/**
 * The CI shapes in milliseconds: medians (min–max) of wall and CPU (the whole process tree), the
 * per-round ratio and difference against plain go's run of the same round, compiler runs
 * (strace, one extra build), weft's compile requests, planning time and how it got its plan.
 * Empty when no CI shape was measured.
 */
export function formatCiTable(results: readonly CaseResult[]): string {
  const ci = results.filter((c) => isCiShape(c.variant));
  if (ci.length === 0) return '';
  const lines = [...CI_TABLE_HEADER];
  const reasons: string[] = [];
  for (const c of ci) {
    const plain = c.tools.find((t) => t.kind === 'plain' && t.unavailable === undefined && t.wallMs.length > 0);
    for (const t of c.tools) {
      const head = `| ${c.case} | ${c.variant} | ${t.tool} |`;
      if (t.unavailable !== undefined) {
        if (!reasons.includes(t.unavailable)) reasons.push(t.unavailable);
        lines.push(`${head} — | unavailable [${reasons.indexOf(t.unavailable) + 1}] | — | — | — | — | — | — | — | — | — |`);
        continue;
      }
      const f = figuresOf(t, plain);
      const self = t === plain;
      const base = plain === undefined || self ? null : plain;
      const compiles = t.compiles.length === 0 ? '—' : String(spreadOf(t.compiles).median);
      const plan = t.planMs === undefined || t.planMs.length === 0 ? '—' : ms(spreadOf(t.planMs));
      lines.push(
        `${head} ${t.mode ?? '—'} | ${ms(f.wall)} | ${self ? '1.00×' : times(f.wallRatio)} | ${base === null ? '—' : signedMs(differences(t.wallMs, base.wallMs))} | ${ms(f.cpu)} | ${self ? '1.00×' : times(f.cpuRatio)} | ${base === null ? '—' : signedMs(differences(t.cpuMs, base.cpuMs))} | ${t.compilerRuns ?? '—'} | ${compiles} | ${plan} | ${describeReuse(t.planReuse)} |`,
      );
    }
  }
  if (reasons.length > 0) lines.push('', ...reasons.map((why, i) => `[${i + 1}] ${why}`));
  return lines.join('\n');
}

/** The JSON written beside the table: raw per-round figures plus the computed spreads. */
export function resultsJson(meta: Record<string, unknown>, results: readonly CaseResult[]): string {
  const cases = results.map((c) => {
    const plain = c.tools.find((t) => t.kind === 'plain');
    return { ...c, tools: c.tools.map((t) => ({ ...t, figures: t.unavailable === undefined ? figuresOf(t, plain) : null })) };
  });
  return `${JSON.stringify({ ...meta, cases }, null, 2)}\n`;
}

/**
 * Processes in an `strace -f -e trace=execve` log: the distinct pids with a successful execve
 * (a process that execs twice, like weft's shim becoming the compiler, is one process). Lines
 * are `<pid> execve("<path>", …) = 0`, or split into `<unfinished ...>` and
 * `<pid> <... execve resumed>…) = 0` when another thread printed in between.
 */
export function countExecProcesses(log: string): { processes: number; byProgram: Record<string, number>; compilerRuns: number } {
  const pending = new Map<string, string>();
  const program = new Map<string, string>();
  const compiling = new Set<string>();
  for (const line of log.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const [, pid, rest] = m as unknown as [string, string, string];
    const call = /^execve\("((?:[^"\\]|\\.)*)"/.exec(rest);
    if (call !== null && /"-p", /.test(rest)) compiling.add(pid);
    if (call !== null) {
      if (/\) = 0$/.test(rest)) program.set(pid, call[1]!);
      else if (rest.endsWith('<unfinished ...>')) pending.set(pid, call[1]!);
    } else if (rest.startsWith('<... execve resumed>')) {
      const path = pending.get(pid);
      pending.delete(pid);
      if (path !== undefined && /\) = 0$/.test(rest)) program.set(pid, path);
    }
  }
  const byProgram: Record<string, number> = {};
  for (const path of program.values()) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    byProgram[name] = (byProgram[name] ?? 0) + 1;
  }
  // Compiler runs that compile a package (`-p`), not version queries: the args show only when
  // strace prints enough of each string (-s), which the count's strace does.
  const compilerRuns = [...program].filter(([pid, path]) => path.endsWith('/compile') && compiling.has(pid)).length;
  return { processes: program.size, byProgram, compilerRuns };
}

/** The blank imports that make plain go build what the fixture's pins add, minus orchestrion itself. */
export function baselineSource(toolFile: string, packageName: string): string {
  const parsed = parseToolFile(toolFile);
  if (!parsed.ok) throw new Error(`orchestrion.tool.go line ${parsed.line}: ${parsed.message}`);
  const paths = parsed.imports.map((i) => i.path).filter((p) => p !== 'github.com/DataDog/orchestrion' && !p.startsWith('github.com/DataDog/orchestrion/'));
  return [`// Generated by test/bench/build.ts: the integrations orchestrion.tool.go pins, imported so plain go compiles them too.`, `package ${packageName}`, '', 'import (', ...paths.map((p) => `\t_ "${p}"`), ')', ''].join('\n');
}
