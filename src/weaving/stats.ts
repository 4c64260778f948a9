// Per-build counters. Benchmarks and e2e tests read these (through `--weft-stats` or the JSON
// form), so the names are part of weft's observable behaviour: add fields, do not rename them.
import { readFileSync } from 'node:fs';
import type { CacheCounters } from '../cache/weave-cache.js';
import { emptyWeaveStats, type WeaveStats } from '../weave/api.js';
import { childCounts } from '../children.js';

export type RequestOutcome = 'unchanged' | 'woven' | 'error';

/** What the shim appended to WEFT_STATS_FILE: one `<tool> <kind> <micros>` line per invocation. */
export interface ShimStats {
  invocations: number;
  /** exec = passed through, vfull = `-V=full` query, ipc = a round trip to the server, shared = a compile copied from another go command's identical one (counted beside its exec or ipc). */
  byKind: Record<string, number>;
  byTool: Record<string, number>;
  /** `<tool> <kind>` → count, e.g. `compile ipc`. */
  byToolKind: Record<string, number>;
  /** Sum of the shim's own time before exec, microseconds. */
  shimMicros: number;
  /** Lines that did not parse (a truncated write, or a newer shim). */
  malformed: number;
}

export interface FailedRequest {
  tool: string;
  pkg: string;
  why: string;
}

export interface StatsSnapshot {
  compileRequests: number;
  linkRequests: number;
  unchanged: number;
  woven: number;
  errors: number;
  /** Each failed request: its tool, package (import path, "" when go gave none) and why. */
  failed: FailedRequest[];
  timeouts: number;
  /** Requests whose connection closed before the reply. */
  abandoned: number;
  /** Candidates that could not be decided or woven (src/weave/undecided.ts), summed over compiles. */
  warnings: number;
  serverMicrosSum: number;
  serverMicrosP50: number;
  serverMicrosMax: number;
  /** Summed WeaveStats of the packages the weaver looked at. */
  weave: WeaveTotals;
  /** Aspect id → packages it was woven into. */
  aspects: Record<string, number>;
  /** Weave cache hits and misses (null when the cache is off or nothing was looked up). */
  cache: CacheCounters | null;
  /** The type oracle's work: packages whose join points needed types. */
  types: TypeTotals;
  shim: ShimStats | null;
  /** Which pipeline ran and why (null for a drop-in server, which is always toolexec). */
  mode: BuildMode | null;
  /** What planning did (null unless the build was planned). */
  plan: PlanTotals | null;
  /** How the build got its plan (null unless the build was planned). */
  planReuse: PlanReuseName | null;
  /** The persisted plan of an in-process build (null when none was looked for). */
  planStore: PlanStoreTotals | null;
  /**
   * A planned build's injected packages before go: `built` by a nested go run, or their
   * archives `kept` from a build of the same plan and found in GOCACHE (null: nothing injected).
   */
  injectedPrebuild: 'built' | 'kept' | null;
  /** Child processes weft started for this build, by kind (src/children.ts). */
  processes: Record<string, number>;
}

export interface BuildMode {
  name: 'overlay' | 'planned' | 'toolexec';
  reason: string;
  /** Overlay mode: the woven files handed to go, and the generated files of link-time packages. */
  overlayFiles?: number;
  linkFiles?: number;
}

/** How a build got its plan: a kept one used as it was, one kept after re-screening changed files, one made again (the kept one no longer held), or one made with none kept. */
export type PlanReuseName = 'reused' | 'rescreened' | 'replanned' | 'made';

/** The plan persisted in the weave cache (src/plan/plan-store.ts), as one build used it. */
export interface PlanStoreTotals {
  /** A stored plan was found for the build's key and read whole. */
  found: boolean;
  /** Stored plans found unreadable (corrupt, truncated, of another format) and ignored. */
  corrupt: number;
  /** The build wrote its plan (made or re-screened) to the store. */
  stored: boolean;
  /** Why a found plan was not used ('' when it was, or none was found). */
  why: string;
  /** Reading and checking the stored plan, milliseconds. */
  loadMillis: number;
}

/** What planning did: the counts that drive a planned build's cost (src/plan/plan.ts). */
export interface PlanTotals {
  /** Packages in the plan (the build's and the injectable ones). */
  listed: number;
  /** Packages woven code injects (the roots whose closure joins the build). */
  injected: number;
  /** Packages the weaver saw past the package-level filter and pre-filter. */
  candidates: number;
  woven: number;
  /** Marked to be decided at compile time (types, cgo, undecided, a weave error to report there). */
  deferred: number;
  /** Marked only because they depend on a package whose woven code adds link-time packages. */
  dependents: number;
  /** Marked packages (mark keys), and the overlay mark files among the marks. */
  compileMarks: number;
  overlayMarks: number;
  goListRuns: number;
  filesScanned: number;
  filesParsed: number;
  /** Packages whose files were scanned in the worker pool (a plan with enough files to scan), not on the server's thread. */
  screenedInPool: number;
  millis: number;
}

export interface TypeTotals {
  /** Packages type-checked (TOOLEXEC_IMPORTPATH, else -p), sorted. */
  packages: string[];
  /** Question batches sent (a package may need a second round). */
  batches: number;
  /** Time the oracle spent checking and answering, summed over batches. */
  oracleMicros: number;
  /** Time the server waited for answers (process start and hand-off included). */
  roundTripMicros: number;
}

/** The weaver's per-package figures summed over the build. */
export interface WeaveTotals extends WeaveStats {
  packages: number;
}

export class BuildStats {
  compileRequests = 0;
  linkRequests = 0;
  unchanged = 0;
  woven = 0;
  errors = 0;
  private readonly failed: FailedRequest[] = [];
  timeouts = 0;
  abandoned = 0;
  warnings = 0;
  private readonly micros: number[] = [];
  readonly weave: WeaveTotals = { packages: 0, ...emptyWeaveStats() };
  readonly aspects: Record<string, number> = {};
  /** The build's weave cache counters, when it has a cache. */
  cache: CacheCounters | null = null;
  mode: BuildMode | null = null;
  plan: PlanTotals | null = null;
  planReuse: PlanReuseName | null = null;
  planStore: PlanStoreTotals | null = null;
  injectedPrebuild: 'built' | 'kept' | null = null;
  private readonly typed = { packages: new Set<string>(), batches: 0, oracleMicros: 0, roundTripMicros: 0 };

  recordTypeCheck(r: { pkg: string; oracleMicros: number; roundTripMicros: number; checked: boolean }): void {
    if (r.checked) this.typed.packages.add(r.pkg);
    this.typed.batches++;
    this.typed.oracleMicros += r.oracleMicros;
    this.typed.roundTripMicros += r.roundTripMicros;
  }

  recordWeave(s: Omit<WeaveTotals, 'packages'>, aspects: readonly string[], warnings = 0): void {
    this.weave.packages++;
    this.warnings += warnings;
    this.weave.filesScanned += s.filesScanned;
    this.weave.filesParsed += s.filesParsed;
    this.weave.filesWoven += s.filesWoven;
    this.weave.nodesWoven += s.nodesWoven;
    this.weave.scanMicros += s.scanMicros;
    this.weave.parseMicros += s.parseMicros;
    this.weave.weaveMicros += s.weaveMicros;
    for (const a of new Set(aspects)) this.aspects[a] = (this.aspects[a] ?? 0) + 1;
  }

  recordRequest(tool: string, micros: number, outcome: RequestOutcome, failure?: { pkg: string; why: string }): void {
    if (tool === 'compile') this.compileRequests++;
    else if (tool === 'link') this.linkRequests++;
    if (outcome === 'unchanged') this.unchanged++;
    else if (outcome === 'woven') this.woven++;
    else {
      this.errors++;
      this.failed.push({ tool, pkg: failure?.pkg ?? '', why: failure?.why ?? 'no reason recorded' });
    }
    this.micros.push(micros);
  }

  snapshot(shim: ShimStats | null = null): StatsSnapshot {
    const sorted = [...this.micros].sort((a, b) => a - b);
    return {
      compileRequests: this.compileRequests,
      linkRequests: this.linkRequests,
      unchanged: this.unchanged,
      woven: this.woven,
      errors: this.errors,
      failed: this.failed.map((f) => ({ ...f })),
      timeouts: this.timeouts,
      abandoned: this.abandoned,
      warnings: this.warnings,
      serverMicrosSum: Math.round(sorted.reduce((s, x) => s + x, 0)),
      serverMicrosP50: Math.round(median(sorted)),
      serverMicrosMax: Math.round(sorted[sorted.length - 1] ?? 0),
      weave: { ...this.weave },
      aspects: { ...this.aspects },
      cache: this.cache !== null ? { ...this.cache } : null,
      types: { packages: [...this.typed.packages].sort(), batches: this.typed.batches, oracleMicros: this.typed.oracleMicros, roundTripMicros: this.typed.roundTripMicros },
      shim,
      mode: this.mode,
      processes: childCounts(),
      plan: this.plan !== null ? { ...this.plan } : null,
      planReuse: this.planReuse,
      planStore: this.planStore !== null ? { ...this.planStore } : null,
      injectedPrebuild: this.injectedPrebuild,
    };
  }
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function parseShimStats(text: string): ShimStats {
  const s: ShimStats = { invocations: 0, byKind: {}, byTool: {}, byToolKind: {}, shimMicros: 0, malformed: 0 };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parts = line.split(' ');
    const micros = Number(parts[2]);
    if (parts.length !== 3 || parts[0] === '' || parts[1] === '' || !Number.isFinite(micros)) {
      s.malformed++;
      continue;
    }
    const [tool, kind] = parts as [string, string, string];
    s.invocations++;
    s.byKind[kind] = (s.byKind[kind] ?? 0) + 1;
    s.byTool[tool] = (s.byTool[tool] ?? 0) + 1;
    s.byToolKind[`${tool} ${kind}`] = (s.byToolKind[`${tool} ${kind}`] ?? 0) + 1;
    s.shimMicros += micros;
  }
  return s;
}

/** Reads the shim's stats file; a missing file means no tool ran through the shim. */
export function readShimStats(file: string): ShimStats {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return parseShimStats(text);
}

/** The `--weft-stats` block printed to stderr at the end of a build. */
export function formatStats(s: StatsSnapshot): string {
  const ms = (us: number): string => (us / 1000).toFixed(1);
  const lines = [
    ...(s.mode !== null ? [`weft stats: mode ${s.mode.name} (${s.mode.reason})`] : []),
    ...(s.plan !== null ? [`weft stats: plan ${s.plan.listed} packages, ${s.plan.candidates} candidates: ${s.plan.woven} woven, ${s.plan.deferred} decided at compile time, ${s.plan.dependents} dependents; ${s.plan.compileMarks} packages marked (${s.plan.overlayMarks} overlay mark files); ${s.plan.filesScanned} files scanned${s.plan.screenedInPool > 0 ? ` (${s.plan.screenedInPool} packages in the pool)` : ''} (${s.plan.millis} ms)`] : []),
    ...(s.planReuse !== null ? [`weft stats: plan ${s.planReuse}${s.planStore !== null ? `; stored plan ${s.planStore.found ? `found (read and checked in ${s.planStore.loadMillis} ms)` : 'not found'}${s.planStore.why !== '' ? `, not used: ${s.planStore.why}` : ''}${s.planStore.corrupt > 0 ? `, ${s.planStore.corrupt} unreadable ignored` : ''}${s.planStore.stored ? ', stored' : ''}` : ''}`] : []),
    ...(s.injectedPrebuild !== null ? [`weft stats: injected packages ${s.injectedPrebuild === 'kept' ? 'found in GOCACHE as a build of this plan left them (no go run)' : 'built by a go run before go'}`] : []),
    ...(s.mode?.name === 'overlay' && s.compileRequests + s.linkRequests === 0
      ? ['weft stats: no compile or link requests: an overlay build runs go without weft\'s shim (the weaving above was done before go started)']
      : [
          `weft stats: ${s.compileRequests} compile + ${s.linkRequests} link requests from go's shim (${s.unchanged} unchanged, ${s.woven} woven, ${s.errors} failed${s.timeouts > 0 ? `, ${s.timeouts} timed out` : ''}${s.abandoned > 0 ? `, ${s.abandoned} abandoned` : ''}; go's cache hits never reach weft)`,
          `weft stats: server time ${ms(s.serverMicrosSum)} ms total, p50 ${(s.serverMicrosP50 / 1000).toFixed(3)} ms, max ${ms(s.serverMicrosMax)} ms (answering those requests)`,
        ]),
    ...s.failed.map((f) => `weft stats: failed: ${f.tool}${f.pkg !== '' ? ` of ${f.pkg}` : ''} (${f.why})`),
  ];
  if (s.warnings > 0) lines.push(`weft stats: ${s.warnings} warning(s): candidates not decided or woven (--weft-strict makes them errors)`);
  if (s.weave.packages > 0) {
    const w = s.weave;
    lines.push(`weft stats: weaver saw ${w.packages} packages: ${w.filesScanned} files scanned, ${w.filesParsed} parsed, ${w.filesWoven} woven, ${w.nodesWoven} nodes advised (scan ${ms(w.scanMicros)} ms, parse ${ms(w.parseMicros)} ms, weave ${ms(w.weaveMicros)} ms)`);
    const aspects = Object.entries(s.aspects).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    if (aspects !== '') lines.push(`weft stats: aspects woven (packages): ${aspects}`);
  }
  if (s.cache !== null && s.cache.localHits + s.cache.localMisses > 0) {
    const c = s.cache;
    lines.push(`weft stats: weave cache: local ${c.localHits} hits, ${c.localMisses} misses; remote ${c.remoteHits} hits, ${c.remoteMisses} misses; ${c.stored} stored${c.uploaded > 0 ? `, ${c.uploaded} uploaded` : ''}${c.corrupt > 0 ? `, ${c.corrupt} corrupt discarded` : ''}`);
  }
  if (s.types.batches > 0) {
    const t = s.types;
    lines.push(`weft stats: type oracle checked ${t.packages.length} packages in ${t.batches} batches (oracle ${ms(t.oracleMicros)} ms, round trips ${ms(t.roundTripMicros)} ms): ${t.packages.join(', ')}`);
  }
  if (s.shim !== null) {
    const kinds = Object.entries(s.shim.byKind).sort().map(([k, n]) => `${k} ${n}`).join(', ');
    const tools = Object.entries(s.shim.byTool).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(`weft stats: ${s.shim.invocations} tool invocations (${kinds || 'none'}); shim time ${ms(s.shim.shimMicros)} ms`);
    if (tools !== '') lines.push(`weft stats: by tool: ${tools}`);
  }
  return lines.join('\n');
}

/**
 * The progress line's fields, labelled with what weft actually sees: the compile requests the
 * shim sent (go's cache hits never reach weft), the packages the weaver screened and the ones
 * it wove. Counters that later modes add (planned packages, weave-cache hits) go here too.
 */
export function progressFields(s: Pick<StatsSnapshot, 'compileRequests' | 'linkRequests' | 'woven' | 'errors' | 'warnings' | 'weave'>): string[] {
  const fields = [`${s.compileRequests} compile requests answered`];
  if (s.weave.packages > 0) fields.push(`${s.weave.packages} packages screened`);
  fields.push(`${s.woven} woven`);
  if (s.errors > 0) fields.push(`${s.errors} failed`);
  if (s.warnings > 0) fields.push(`${s.warnings} warnings`);
  if (s.linkRequests > 0) fields.push(`${s.linkRequests} links`);
  return fields;
}
