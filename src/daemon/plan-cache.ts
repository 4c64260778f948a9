// The daemon's kept plans: the last plan per build key (planKey: go's arguments, the environment
// that changes the listing, weft's mark), each with the record of what it was made from
// (src/plan/plan-record.ts), checked at the start of every build of that key (revisePlan).
//
// The recorded directories are also watched (fs.watch, one per directory shared by the kept plans), but only to start that
// same check early: an event makes the daemon prepare the last build of that key again in the
// background (the caller's `refresh`), so the next build finds a plan already re-screened or
// made again. Correctness never depends on an event: every build checks by stat.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { BuildContext } from '../weaving/build-context.js';
import { keptPlanFor, planBuild, planKey, recordPlan, revisePlan, type BuildPlan, type PlanOptions, type PlanRecord, type PlanReuse } from '../plan/index.js';

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

/** More directories than this in one plan: no watching (the check at build start is enough). */
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
  private readonly watches = new DirWatches();
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
      const revised = await revisePlan(ctx, opts, entry.plan, entry.record);
      if (revised.kind === 'same') return { plan: this.lend(ctx, key, entry, t0, 0), reuse: true };
      if (revised.kind === 'rescreened') {
        entry.plan = revised.plan;
        return { plan: this.lend(ctx, key, entry, t0, revised.packages), reuse: 'rescreened' };
      }
      ctx.log.info(`daemon: ${revised.why}: planning again`);
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
    return keptPlanFor(entry.plan, rescreened, performance.now() - t0);
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
    const releases: (() => void)[] = [];
    for (const dir of entry.record.dirs.keys()) {
      releases.push(this.watches.add(dir, (name) => {
        if (!mayChangePlan(dir, name)) return;
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(fire, WATCH_SETTLE_MS);
        timer.unref();
      }));
    }
    entry.disposers.push(() => {
      if (timer !== null) clearTimeout(timer);
      for (const release of releases) release();
    });
  }

  /** Directories watched now (one watch each, however many kept plans listen to it). */
  get watchedDirs(): number {
    return this.watches.size;
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
 * One fs.watch per directory, shared by every listener (the kept plans of one daemon mostly
 * record the same module's directories): a daemon holds at most one watch per directory.
 */
export class DirWatches {
  private readonly dirs = new Map<string, { watcher: FSWatcher; listeners: Set<(name: string | null) => void> }>();

  /** Calls `listener` with the name of each entry of `dir` that changes; returns its release. A directory that cannot be watched is not (the check at build start still holds). */
  add(dir: string, listener: (name: string | null) => void): () => void {
    let w = this.dirs.get(dir);
    if (w === undefined) {
      const listeners = new Set<(name: string | null) => void>();
      let watcher: FSWatcher;
      try {
        watcher = watch(dir, { persistent: false }, (_event, name) => {
          for (const l of [...listeners]) l(name === null ? null : name.toString());
        });
      } catch {
        return () => {};
      }
      watcher.on('error', () => {
        watcher.close();
        if (this.dirs.get(dir)?.watcher === watcher) this.dirs.delete(dir);
      });
      w = { watcher, listeners };
      this.dirs.set(dir, w);
    }
    const entry = w;
    entry.listeners.add(listener);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0 && this.dirs.get(dir) === entry) {
        entry.watcher.close();
        this.dirs.delete(dir);
      }
    };
  }

  get size(): number {
    return this.dirs.size;
  }
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
function mayChangePlan(dir: string, name: string | null): boolean {
  if (name === null) return true;
  const n = name.toString();
  if (n.endsWith('.go') || /^(go\.(mod|sum|work|work\.sum)|modules\.txt|vendor)$/.test(n)) return true;
  try {
    return statSync(join(dir, n)).isDirectory();
  } catch {
    return false;
  }
}
