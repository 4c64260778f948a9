// The daemon's kept plans. A plan (src/plan/plan.ts) costs a `go list -deps` and a screening of
// every listed package; between two builds of an edit loop almost nothing it read has changed.
// So the daemon keeps the last plan per build key (go's arguments, the environment that changes
// the listing, weft's mark) with a record of what it was made from — the module files, the
// listing of every directory of the main module (and local replace directories), and each Go
// file's size, time, content hash and header — and at the start of the next build checks that
// record by stat, never trusting anything but the file system:
//   - nothing changed: the plan is used as it is (no go list, nothing screened);
//   - only file contents changed, with the same directory listings and the same headers (package
//     clause, build constraints, imports: what go list reads): the listing still holds, and only
//     those files' packages are screened again; if every verdict is the one the plan has, the
//     plan stands;
//   - anything else (go.mod, a file added or removed, a header, a flipped verdict): a new plan.
// GOROOT and the module cache are immutable and not checked.
//
// The recorded directories are also watched (fs.watch, one per directory), but only to start that
// same check early: an event makes the daemon prepare the last build of that key again in the
// background (the caller's `refresh`), so the next build finds a plan already re-screened or
// made again. Correctness never depends on an event: every build checks by stat.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { BuildContext } from '../weaving/build-context.js';
import type { PlanReuse } from '../build/driver.js';
import { decidePackage, planBuild, type BuildPlan, type PlanOptions, type Verdict } from '../plan/plan.js';
import { inModuleCache } from '../weaving/module-root.js';
import { scanGoHeader } from './go-header.js';

interface Stamp {
  size: number;
  mtimeMs: number;
  sha: string;
  /** Recorded within the file system's time granularity of a write: compare contents, not times. */
  racy: boolean;
}

interface FileRecord extends Stamp {
  header: string | null;
}

/** What a plan was made from, as the file system showed it then. */
export interface PlanRecord {
  keyFiles: Map<string, Stamp | null>;
  /** Directory → its entry names, sorted, joined by "/". */
  dirs: Map<string, string>;
  files: Map<string, FileRecord>;
  /** File → the listed packages (ImportPath) compiled from it. */
  packagesOf: Map<string, string[]>;
}

export type Revalidation =
  | { kind: 'same' }
  | { kind: 'rescreen'; packages: string[]; files: string[] }
  | { kind: 'replan'; why: string };

/** More directories than this under the module roots: keep no plan (checking would cost what planning does). */
const MAX_DIRS = 20_000;
const RACY_MS = 2000;

/**
 * Records what `plan` was made from: null when the module is too large to check cheaply. Local
 * packages are those outside GOROOT and the module cache: the main module(s), local replace
 * directories, vendor.
 */
export function recordPlan(plan: BuildPlan, env: NodeJS.ProcessEnv, modCache: string, extraKeyFiles: readonly string[] = []): PlanRecord | null {
  const now = Date.now();
  // The module cache is immutable (go makes it read-only). `go env GOMODCACHE` is the build's
  // own answer (GOMODCACHE, GOPATH and `go env -w` included); unknown (''), everything is checked.
  const record: PlanRecord = { keyFiles: new Map(), dirs: new Map(), files: new Map(), packagesOf: new Map() };
  const roots = new Set<string>();
  const packageDirs = new Set<string>();
  for (const p of plan.packages.values()) {
    if (p.Standard === true || p.Dir === undefined || inModuleCache(p.Dir, modCache)) continue;
    packageDirs.add(p.Dir);
    if (p.Module?.Dir !== undefined && !inModuleCache(p.Module.Dir, modCache)) roots.add(p.Module.Dir);
    for (const f of [...(p.GoFiles ?? []), ...(p.CgoFiles ?? [])]) {
      const path = join(p.Dir, f);
      const list = record.packagesOf.get(path) ?? [];
      list.push(p.ImportPath);
      record.packagesOf.set(path, list);
    }
  }
  for (const root of roots) {
    for (const f of ['go.mod', 'go.sum', 'go.work', 'go.work.sum', join('vendor', 'modules.txt')]) record.keyFiles.set(join(root, f), null);
  }
  if (env['GOWORK'] !== undefined && env['GOWORK'] !== '' && env['GOWORK'] !== 'off') record.keyFiles.set(env['GOWORK'], null);
  for (const f of extraKeyFiles) record.keyFiles.set(f, null);
  for (const f of record.keyFiles.keys()) record.keyFiles.set(f, stampOf(f, now));

  const walked = new Set<string>();
  const walk = (dir: string, root: string): boolean => {
    if (walked.size > MAX_DIRS) return false;
    walked.add(dir);
    const names = listDir(dir);
    if (names === null) return true;
    record.dirs.set(dir, names.join('/'));
    for (const name of names) {
      if (name.startsWith('.') || name.startsWith('_') || name === 'testdata' || name === 'vendor') continue;
      const sub = join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(sub).isDirectory();
      } catch {
        continue;
      }
      // A nested module is not part of this one (unless go.work made it a root of its own).
      if (!isDir || walked.has(sub) || (sub !== root && roots.has(sub))) continue;
      let nested = false;
      try {
        nested = statSync(join(sub, 'go.mod')).isFile();
      } catch {
        // no go.mod: part of this module
      }
      if (!nested && !walk(sub, root)) return false;
    }
    return true;
  };
  for (const root of roots) if (!walk(root, root)) return null;
  for (const dir of packageDirs) {
    if (!record.dirs.has(dir)) {
      const names = listDir(dir);
      if (names !== null) record.dirs.set(dir, names.join('/'));
    }
    for (const name of (record.dirs.get(dir) ?? '').split('/')) {
      if (!name.endsWith('.go')) continue;
      const file = recordFile(join(dir, name), now);
      if (file !== null) record.files.set(join(dir, name), file);
    }
  }
  return record;
}

/** Checks `record` against the file system now (see the header for what each outcome means). */
export function revalidatePlan(record: PlanRecord): Revalidation {
  const now = Date.now();
  for (const [path, was] of record.keyFiles) {
    if (!sameStamp(was, path, now)) return { kind: 'replan', why: `${path} changed` };
  }
  for (const [dir, names] of record.dirs) {
    const listed = listDir(dir);
    if (listed === null || listed.join('/') !== names) return { kind: 'replan', why: `files were added to or removed from ${dir}` };
  }
  const packages = new Set<string>();
  const files: string[] = [];
  for (const [path, was] of record.files) {
    let text: Buffer;
    try {
      const st = statSync(path);
      if (st.size === was.size && st.mtimeMs === was.mtimeMs && !was.racy) continue;
      text = readFileSync(path);
    } catch {
      return { kind: 'replan', why: `${path} cannot be read` };
    }
    if (sha256(text) === was.sha) continue;
    const header = scanGoHeader(text.toString('utf8'));
    if (header === null || header !== was.header) return { kind: 'replan', why: `the package clause, build constraints or imports of ${path} changed` };
    files.push(path);
    for (const p of record.packagesOf.get(path) ?? []) packages.add(p);
  }
  if (files.length === 0) return { kind: 'same' };
  return { kind: 'rescreen', packages: [...packages].sort(), files };
}

/** After a re-screen that left the plan standing: the record takes the files as they are now. */
export function refreshFiles(record: PlanRecord, files: readonly string[]): void {
  const now = Date.now();
  for (const f of files) {
    const r = recordFile(f, now);
    if (r !== null) record.files.set(f, r);
    else record.files.delete(f);
  }
}

/** Whether two verdicts (null: unmarked) mark the same way. */
export function sameVerdict(a: Verdict | null | undefined, b: Verdict | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return a.reason === b.reason && a.linkDeps === b.linkDeps;
}

interface Entry {
  plan: BuildPlan;
  record: PlanRecord;
  /** The plan's own files (its overlay of mark files) and its watchers, removed once it is replaced and unused. */
  disposers: (() => Promise<void> | void)[];
  users: number;
  retired: boolean;
}

/** Prepares a build of the same key again, in the background (after a watch event). */
export type PlanRefresh = () => Promise<void>;

/** More directories than this: no watching (the check at build start is enough). */
const MAX_WATCHED_DIRS = 2000;
/** Editors write a file in several steps: act once they are done. */
const WATCH_SETTLE_MS = 250;

/** How many build keys keep a plan (a daemon serves a few configurations of one module). */
const MAX_ENTRIES = 8;

/**
 * The kept plans of one daemon. `plan` is a PlanSource (src/build/driver.ts): each build gets
 * the plan for its key, checked (and made again when needed) under a per-key lock, so two builds
 * started together plan once.
 */
export class PlanCache {
  private readonly entries = new Map<string, Entry>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly refreshers = new Map<string, PlanRefresh>();
  private closed = false;

  /**
   * `watchDirs` false: no background refresh (WEFT_DAEMON_WATCH=off); `onRefreshError` hears
   * about refreshes that failed (the next build plans itself).
   */
  constructor(private readonly opts: { watchDirs?: boolean; onRefreshError?: (e: unknown) => void } = {}) {}

  async plan(ctx: BuildContext, opts: PlanOptions, refresh?: PlanRefresh): Promise<{ plan: BuildPlan; reuse: PlanReuse }> {
    const key = planKey(ctx, opts);
    if (key !== null && refresh !== undefined) this.refreshers.set(key, refresh);
    // A user's -overlay file is read by the plan: its content is not in the record. Plan afresh.
    if (key === null) return { plan: await planBuild(ctx, opts), reuse: false };
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.planLocked(key, ctx, opts));
    this.locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }

  private async planLocked(key: string, ctx: BuildContext, opts: PlanOptions): Promise<{ plan: BuildPlan; reuse: PlanReuse }> {
    const t0 = performance.now();
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      const check = revalidatePlan(entry.record);
      if (check.kind === 'same') return { plan: this.lend(ctx, key, entry, t0, 0), reuse: true };
      if (check.kind === 'rescreen') {
        let stands = true;
        // The same verdicts may come with new weaves (an edited woven package): an overlay build
        // hands go the plan's weave, so the plan keeps the new one.
        const verdicts = new Map(entry.plan.verdicts);
        for (const id of check.packages) {
          const now = await decidePackage(ctx, entry.plan, id, opts.env);
          if (!sameVerdict(now, entry.plan.verdicts.get(id))) {
            ctx.log.info(`daemon: ${id} is ${now === null ? 'no longer marked' : `now ${now.reason}`}: planning again`);
            stands = false;
            break;
          }
          if (now !== null) verdicts.set(id, now);
        }
        if (stands) {
          entry.plan = { ...entry.plan, verdicts };
          refreshFiles(entry.record, check.files);
          // The stale check after the build compares with the files as they are now.
          for (const id of check.packages) if (!entry.plan.verdicts.has(id)) entry.plan.snapshot.record(id, entry.plan.snapshot.filesOf(id));
          return { plan: this.lend(ctx, key, entry, t0, check.packages.length), reuse: 'rescreened' };
        }
      } else {
        ctx.log.info(`daemon: ${check.why}: planning again`);
      }
      this.retire(key, entry);
    }
    const disposers: Entry['disposers'] = [];
    const plan = await planBuild(ctx, { ...opts, disposers });
    const record = recordPlan(plan, opts.env, ctx.modCache);
    if (record === null) {
      ctx.disposers.push(...disposers);
      return { plan, reuse: entry !== undefined ? 'replanned' : false };
    }
    const fresh: Entry = { plan, record, disposers, users: 0, retired: false };
    this.entries.set(key, fresh);
    this.watch(key, fresh);
    while (this.entries.size > MAX_ENTRIES) {
      const [oldKey, old] = this.entries.entries().next().value as [string, Entry];
      this.retire(oldKey, old);
    }
    return { plan: this.lend(ctx, key, fresh, t0, -1), reuse: entry !== undefined ? 'replanned' : false };
  }

  /** The kept plan for one build (counts say what this build's planning did); released with the build. */
  private lend(ctx: BuildContext, key: string, entry: Entry, t0: number, rescreened: number): BuildPlan {
    entry.users++;
    ctx.disposers.push(() => {
      entry.users--;
      if (entry.retired && entry.users === 0) void disposeAll(entry.disposers);
    });
    // Most recently used last: the first entry is the one to drop.
    this.entries.delete(key);
    if (!entry.retired) this.entries.set(key, entry);
    if (rescreened < 0) return entry.plan;
    return { ...entry.plan, counts: { ...entry.plan.counts, goListRuns: 0, filesScanned: 0, filesParsed: 0, screenedInPool: 0, candidates: rescreened, millis: Math.round(performance.now() - t0) } };
  }

  /** Starts the background refresh of `key` when a recorded directory changes (see the header). */
  private watch(key: string, entry: Entry): void {
    if (this.opts.watchDirs === false || entry.record.dirs.size > MAX_WATCHED_DIRS) return;
    let timer: NodeJS.Timeout | null = null;
    const fire = (): void => {
      timer = null;
      const refresh = this.refreshers.get(key);
      if (entry.retired || this.closed || refresh === undefined) return;
      refresh().catch((e: unknown) => this.opts.onRefreshError?.(e));
    };
    const watchers: FSWatcher[] = [];
    for (const dir of entry.record.dirs.keys()) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (!mayChangePlan(dir, name)) return;
          if (timer !== null) clearTimeout(timer);
          timer = setTimeout(fire, WATCH_SETTLE_MS);
          timer.unref();
        });
        w.on('error', () => w.close());
        watchers.push(w);
      } catch {
        // a directory gone or out of watches: the check at build start still holds
      }
    }
    entry.disposers.push(() => {
      if (timer !== null) clearTimeout(timer);
      for (const w of watchers) w.close();
    });
  }

  private retire(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    entry.retired = true;
    if (entry.users === 0) void disposeAll(entry.disposers);
  }

  /** Drops every kept plan (the daemon is stopping; builds have ended). */
  async close(): Promise<void> {
    this.closed = true;
    for (const [key, e] of [...this.entries]) this.retire(key, e);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * What makes two builds' plans the same: go's arguments and directory, the environment that
 * changes go's listing or weft's screening, and the mark (aspects, weft's identity, injected
 * packages' content). null when the build has its own -overlay (its content is not recorded).
 */
export function planKey(ctx: Pick<BuildContext, 'suffix'>, opts: Pick<PlanOptions, 'go' | 'dir' | 'env' | 'goArgs'>): string | null {
  const env = Object.entries(opts.env)
    .filter(([k]) => /^(GO|CGO_|CC$|CXX$)/.test(k) || (k.startsWith('WEFT_') && !/^WEFT_(STATS|LOG|PROGRESS|DAEMON)/.test(k)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if ([...opts.goArgs, opts.env['GOFLAGS'] ?? ''].some((a) => /(^|\s)--?overlay(=|$)/.test(a))) return null;
  return JSON.stringify([ctx.suffix, opts.go, opts.dir, withoutOutput(opts.goArgs), env]);
}

/** go's arguments without `-o <file>`: where the binary goes changes nothing go lists or weft screens. */
function withoutOutput(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (a === '-o' || a === '--o') i++;
    else if (!a.startsWith('-o=') && !a.startsWith('--o=')) out.push(a);
  }
  return out;
}

async function disposeAll(disposers: (() => Promise<void> | void)[]): Promise<void> {
  while (disposers.length > 0) {
    try {
      await disposers.pop()!();
    } catch {
      // a plan's temporary files: nothing to report
    }
  }
}

/** Go files, module files and directories; not a binary written by `go build -o .` or an editor's backup. */
function mayChangePlan(dir: string, name: string | Buffer | null): boolean {
  if (name === null) return true;
  const n = name.toString();
  if (n.endsWith('.go') || /^(go\.(mod|sum|work|work\.sum)|modules\.txt|vendor)$/.test(n)) return true;
  try {
    return statSync(join(dir, n)).isDirectory();
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] | null {
  try {
    return readdirSync(dir).sort();
  } catch {
    return null;
  }
}

function stampOf(path: string, now: number): Stamp | null {
  try {
    const st = statSync(path);
    const bytes = readFileSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs, sha: sha256(bytes), racy: st.mtimeMs >= now - RACY_MS };
  } catch {
    return null;
  }
}

function sameStamp(was: Stamp | null, path: string, now: number): boolean {
  let st;
  try {
    st = statSync(path);
  } catch {
    return was === null;
  }
  if (was === null || !st.isFile()) return was === null && !st.isFile();
  if (st.size === was.size && st.mtimeMs === was.mtimeMs && !was.racy) return true;
  const again = stampOf(path, now);
  return again !== null && again.sha === was.sha;
}

function recordFile(path: string, now: number): FileRecord | null {
  try {
    const st = statSync(path);
    const bytes = readFileSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs, sha: sha256(bytes), racy: st.mtimeMs >= now - RACY_MS, header: scanGoHeader(bytes.toString('utf8')) };
  } catch {
    return null;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
