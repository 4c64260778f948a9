// The edit-loop benchmark's figures and tables (test/bench/loop.ts measures, this only computes
// and formats, so the unit tests can check it). Ratios pair each run with plain go's run of the
// same round, as in build-report.ts.
import { spreadOf, type Spread } from './bench-util.js';
import type { DaemonInfo } from './build-env.js';

/** One timed build of the loop. */
export interface LoopSample {
  wallMs: number;
  /** user+sys of the command's process tree, plus the daemon's own CPU during the build when it could be read. */
  cpuMs: number;
  /** The daemon's share of cpuMs (null: not a daemon build, or the daemon could not be read before and after). */
  daemonCpuMs: number | null;
  /** `mode.name` of weft's stats JSON; null for plain go or when weft wrote no stats. */
  mode: string | null;
  /** Whether the daemon counted this build (its `builds` went up by one); null when not asked. */
  viaDaemon: boolean | null;
  /** The daemon after the build, when there was one. */
  daemon: DaemonInfo | null;
  /** The `daemon` object of weft's stats JSON, as weft wrote it (absent when weft reports none). */
  statsDaemon?: unknown;
}

export interface LoopToolResult {
  tool: string;
  kind: 'plain' | 'weft';
  /** Runs through weft's daemon (no WEFT_DAEMON=off). */
  daemon: boolean;
  unavailable?: string;
  /** One per round, in round order (index r pairs with plain go's round r). */
  samples: LoopSample[];
}

export interface LoopCaseResult {
  case: string;
  /** What the case is, in a few words (printed under the table). */
  about: string;
  /** Packages an edit recompiles, counted in plain go's `-x` output (null: not counted, e.g. no-op). */
  recompiled: number | null;
  tools: LoopToolResult[];
}

export const LOOP_HEADER = [
  '| case | tool | mode ran | via daemon | wall s | wall × plain | CPU s | CPU × plain | daemon RSS MiB |',
  '|---|---|---|---|---|---|---|---|---|',
];

function paired(xs: readonly number[], base: readonly number[]): Spread | null {
  const r = xs.flatMap((x, i) => (base[i] !== undefined && base[i]! > 0 ? [x / base[i]!] : []));
  return r.length === 0 ? null : spreadOf(r);
}

const secs = (s: Spread): string => (s.n === 1 ? (s.median / 1000).toFixed(3) : `${(s.median / 1000).toFixed(3)} (${(s.min / 1000).toFixed(3)}–${(s.max / 1000).toFixed(3)})`);
const times = (s: Spread | null): string => (s === null ? '—' : s.n === 1 ? `${s.median.toFixed(2)}×` : `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`);

/** The modes weft said it ran in, each with its count when they differ between runs. */
export function modesRan(samples: readonly LoopSample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.mode ?? '?', (counts.get(s.mode ?? '?') ?? 0) + 1);
  if (counts.size === 1) return [...counts.keys()][0]!;
  return [...counts].map(([m, n]) => `${m} ×${n}`).join(', ');
}

/** Wall and CPU: median (min–max); ratios to plain go paired by round; the daemon's RSS after the last run. */
export function formatLoopTable(results: readonly LoopCaseResult[]): string {
  const lines = [...LOOP_HEADER];
  const reasons: string[] = [];
  for (const c of results) {
    const plain = c.tools.find((t) => t.kind === 'plain' && t.unavailable === undefined && t.samples.length > 0);
    const base = { wall: plain?.samples.map((s) => s.wallMs) ?? [], cpu: plain?.samples.map((s) => s.cpuMs) ?? [] };
    for (const t of c.tools) {
      const head = `| ${c.case} | ${t.tool} |`;
      if (t.unavailable !== undefined || t.samples.length === 0) {
        const why = t.unavailable ?? 'no run finished';
        if (!reasons.includes(why)) reasons.push(why);
        lines.push(`${head} — | — | unavailable [${reasons.indexOf(why) + 1}] | — | — | — | — |`);
        continue;
      }
      const wall = t.samples.map((s) => s.wallMs);
      const cpu = t.samples.map((s) => s.cpuMs);
      const isPlain = t === plain;
      const mode = t.kind === 'plain' ? '—' : modesRan(t.samples);
      const via = !t.daemon ? '—' : `${t.samples.filter((s) => s.viaDaemon === true).length}/${t.samples.length}`;
      const last = t.samples[t.samples.length - 1]!.daemon;
      const rssKb = last?.vmRssKb ?? last?.reportedRssKb ?? null;
      lines.push(
        `${head} ${mode} | ${via} | ${secs(spreadOf(wall))} | ${isPlain ? '1.00×' : times(paired(wall, base.wall))} | ${secs(spreadOf(cpu))} | ${isPlain ? '1.00×' : times(paired(cpu, base.cpu))} | ${rssKb === null ? '—' : (rssKb / 1024).toFixed(0)} |`,
      );
    }
  }
  const notes = results.map((c) => `- ${c.case}: ${c.about}${c.recompiled !== null ? `; an edit recompiles ${c.recompiled} packages (plain go -x)` : ''}`);
  return [...lines, '', ...notes, ...(reasons.length > 0 ? ['', ...reasons.map((why, i) => `[${i + 1}] ${why}`)] : [])].join('\n');
}

/** The daemon after build k of the RSS case. */
export interface RssPoint {
  build: number;
  wallMs: number;
  daemon: DaemonInfo | null;
  viaDaemon: boolean | null;
}

export interface RssResult {
  tool: string;
  packages: number;
  unavailable?: string;
  points: RssPoint[];
}

const mibOf = (kb: number | null | undefined): string => (kb === null || kb === undefined ? '—' : (kb / 1024).toFixed(1));

/**
 * The daemon's RSS after chosen builds (as it reports it and as /proc says), and the last
 * checkpoint over the first: the growth the no-leak target bounds (≤ 1.20).
 */
export function formatRssTable(r: RssResult): string {
  if (r.unavailable !== undefined) return `daemon RSS, ${r.packages} packages, ${r.tool}: daemon unavailable: ${r.unavailable}`;
  const lines = [
    `| after build | daemon pid | reported RSS MiB | VmRSS MiB | VmHWM MiB | build wall s | via daemon |`,
    '|---|---|---|---|---|---|---|',
    ...r.points.map((p) => `| ${p.build} | ${p.daemon?.pid ?? '—'} | ${mibOf(p.daemon?.reportedRssKb)} | ${mibOf(p.daemon?.vmRssKb)} | ${mibOf(p.daemon?.vmHwmKb)} | ${(p.wallMs / 1000).toFixed(3)} | ${p.viaDaemon === null ? '?' : p.viaDaemon ? 'yes' : 'no'} |`),
  ];
  const growth = rssGrowth(r);
  lines.push('', growth === null ? 'RSS growth: not measurable (no daemon RSS at the first or last checkpoint, or the daemon changed)' : `RSS after build ${growth.last} / after build ${growth.first}: ${growth.ratio.toFixed(2)}× (VmRSS ${mibOf(growth.firstKb)} → ${mibOf(growth.lastKb)} MiB)`);
  return lines.join('\n');
}

/** VmRSS (else the reported RSS) at the last checkpoint over the first, when one daemon served both. */
export function rssGrowth(r: RssResult): { first: number; last: number; firstKb: number; lastKb: number; ratio: number } | null {
  const pts = r.points.filter((p) => p.daemon !== null);
  if (pts.length < 2) return null;
  const a = pts[0]!;
  const b = pts[pts.length - 1]!;
  if (a.daemon!.pid !== b.daemon!.pid) return null;
  const kb = (p: RssPoint): number | null => p.daemon!.vmRssKb ?? p.daemon!.reportedRssKb;
  const firstKb = kb(a);
  const lastKb = kb(b);
  if (firstKb === null || lastKb === null || firstKb <= 0) return null;
  return { first: a.build, last: b.build, firstKb, lastKb, ratio: lastKb / firstKb };
}
