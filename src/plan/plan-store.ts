// Plans that outlive the process. An in-process build (CI, WEFT_DAEMON=off) would plan from
// nothing every time; instead its plan and the record of what it was made from (plan-record.ts)
// are stored in the weave cache, one entry per build key, and the next build of that key checks
// the record and uses the plan when it holds (or re-screens the packages whose files changed
// only in content, as a daemon does). An entry is written like every weave cache entry: to a
// temporary name, then renamed, with its length and checksum in its header — a reader sees a
// whole entry or none, a corrupt or truncated one is discarded with a warning, and it is trimmed
// with the weave results it holds (least recently used first).
//
// Across machines file stamps mean nothing (a cache restore resets times and inodes): the entry
// keeps each local file's size and content hash, and loading compares contents — a file whose
// size differs is changed without being read, every other one is read once and hashed. A file
// found as recorded is stamped again before that read (src/file-stamp.ts), so the loaded plan
// vouches for the files as they are now, like a plan made now; GOROOT and the module cache are
// immutable and not kept in its snapshot.
//
// Relocatable: every path under the main module's root is stored relative to it (a NUL-marked
// placeholder, which no path holds; a plan whose text holds it is not stored), in the key as in
// the entry, so a checkout
// restored at another path finds and uses the plan. Paths outside the root (a replace
// directory beside the module, GOROOT, the module cache) are stored as they are, and the key
// holds GOROOT's go command and GOMODCACHE.
import { createHash } from 'node:crypto';
import { LocalStore } from '../cache/store.js';
import { holdsRootMark, MODULE_ROOT_MARK as ROOT, relocateJson } from '../relocate.js';
import { stampIfHolds, type FileStamp } from '../file-stamp.js';
import type { ListedPackage } from '../resolve/index.js';
import type { BuildContext } from '../weaving/build-context.js';
import type { PlanStoreTotals } from '../weaving/stats.js';
import { freezePlan, planBuild, PlanSnapshot, writeMarkFiles, type BuildPlan, type MarkReason, type PlanOptions, type Verdict } from './plan.js';
import { keptPlanFor, planKey, recordPlan, revisePlan, type FileRecord, type PlanRecord, type PlanSource } from './plan-record.js';

/** The entry format: a change makes older entries unreadable (ignored, replaced). */
const FORMAT = 2;

/** A file as the entry keeps it: what a content comparison needs. */
interface StoredContent {
  size: number;
  sha256: string;
}

interface StoredPlan {
  format: number;
  plan: {
    mark: string;
    compileMarks: [string, MarkReason][];
    /** The plan's flags without the -overlay of mark files (written again on load). */
    gcflags: string[];
    markFiles: Record<string, string>;
    routed: string[];
    counts: BuildPlan['counts'];
    listedAtMs: number;
    /** Deps as positions in this list where they name a listed package (see packedDeps): half the entry's bytes otherwise. */
    packages: StoredPackage[];
    verdicts: [string, Verdict][];
    forceUnmarked: string[];
    injected: string[];
    /** The unmarked packages' local files (the after-build check's snapshot). */
    unmarked: [string, string[]][];
  };
  record: {
    keyFiles: [string, StoredContent | null][];
    dirs: [string, string][];
    files: [string, StoredContent & { header: string | null }][];
    packagesOf: [string, string[]][];
  };
}

type StoredPackage = Omit<ListedPackage, 'Deps'> & { Deps?: (number | string)[] };

/**
 * The packages as the entry keeps them: each of Deps by its package's position in the list when
 * listed (the injectable packages' closures repeat the same few hundred paths thousands of
 * times: encoding, relocating and parsing them was most of a kept plan's cost), else as it is.
 */
function packedDeps(packages: readonly ListedPackage[]): StoredPackage[] {
  const at = new Map<string, number>();
  packages.forEach((p, i) => {
    if (!at.has(p.ImportPath)) at.set(p.ImportPath, i);
  });
  return packages.map((p) => (p.Deps === undefined ? p : { ...p, Deps: p.Deps.map((d) => at.get(d) ?? d) }));
}

function unpackedDeps(stored: readonly StoredPackage[]): ListedPackage[] | string {
  const out: ListedPackage[] = [];
  for (const p of stored) {
    if (p.Deps === undefined) {
      out.push(p as ListedPackage);
      continue;
    }
    const deps: string[] = [];
    for (const d of p.Deps) {
      const path = typeof d === 'number' ? stored[d]?.ImportPath : d;
      if (typeof path !== 'string') return `a dependency of ${p.ImportPath} names no listed package`;
      deps.push(path);
    }
    out.push({ ...p, Deps: deps });
  }
  return out;
}

/** Encodes a plan and its record (every stamp with its content hash: see recordPlan) for the store, paths under `root` made relative. */
export function encodePlan(plan: BuildPlan, record: PlanRecord, root: string): Buffer {
  const content = (st: FileStamp | null): StoredContent | null => {
    if (st === null) return null;
    if (st.sha256 === undefined) throw new Error('a plan record without content hashes cannot be stored');
    return { size: st.size, sha256: st.sha256 };
  };
  const stored: StoredPlan = {
    format: FORMAT,
    plan: {
      mark: plan.mark,
      compileMarks: [...plan.compileMarks],
      gcflags: plan.flags.filter((f) => !f.startsWith('-overlay=')),
      markFiles: { ...plan.markFiles },
      routed: [...plan.routed],
      counts: plan.counts,
      listedAtMs: plan.listedAtMs,
      packages: packedDeps([...plan.packages.values()]),
      verdicts: [...plan.verdicts],
      forceUnmarked: [...plan.forceUnmarked],
      injected: [...plan.injected],
      unmarked: plan.snapshot.packages().map(([pkg, files]) => [pkg, files.filter((f) => record.files.has(f))] as [string, string[]]).filter(([, files]) => files.length > 0),
    },
    record: {
      keyFiles: [...record.keyFiles].map(([f, st]) => [f, content(st)]),
      dirs: [...record.dirs],
      files: [...record.files].map(([f, r]) => [f, { ...content(r.stamp)!, header: r.header }]),
      packagesOf: [...record.packagesOf],
    },
  };
  const text = JSON.stringify(stored);
  // Text that already holds the placeholder (escaped) would be relocated on load: not stored.
  if (holdsRootMark(text)) throw new Error('the plan holds text weft uses to mark the module root');
  return Buffer.from(relocateJson(text, root, ROOT), 'utf8');
}

/**
 * The stored plan for a build at `root`, its temporary files written again (removed with
 * `disposers`) and its record stamped again where the files hold what it says (see the header);
 * a string says why the entry cannot be used.
 */
export function decodePlan(body: Uint8Array, root: string, disposers: (() => Promise<void> | void)[]): { plan: BuildPlan; record: PlanRecord } | string {
  let stored: StoredPlan;
  try {
    stored = JSON.parse(relocateJson(Buffer.from(body).toString('utf8'), ROOT, root)) as StoredPlan;
  } catch (e) {
    return `not a plan (${(e as Error).message})`;
  }
  if (stored === null || typeof stored !== 'object' || stored.format !== FORMAT || typeof stored.plan !== 'object' || typeof stored.record !== 'object') return 'not a plan of this format';
  const s = stored.plan;
  const r = stored.record;
  const packages = Array.isArray(s.packages) ? unpackedDeps(s.packages) : 'no packages';
  if (typeof packages === 'string') return `not a plan of this format (${packages})`;
  const record: PlanRecord = {
    keyFiles: new Map(r.keyFiles.map(([f, c]) => [f, c === null ? null : restamp(f, c)])),
    dirs: new Map(r.dirs),
    files: new Map(r.files.map(([f, c]): [string, FileRecord] => [f, { stamp: restamp(f, c), header: c.header }])),
    packagesOf: new Map(r.packagesOf),
  };
  const stamps = new Map<string, FileStamp | null>([...record.files].map(([f, fr]) => [f, fr.stamp]));
  const userOverlay = {};
  const routed = new Set(s.routed);
  const { flags, routeFile } = writeMarkFiles(disposers, s.gcflags, s.markFiles, routed, userOverlay);
  const plan = freezePlan({
    mark: s.mark,
    compileMarks: new Map(s.compileMarks),
    flags,
    markFiles: s.markFiles,
    routeFile,
    routed,
    counts: s.counts,
    snapshot: PlanSnapshot.EMPTY.with(s.unmarked, stamps),
    stamps,
    listedAtMs: s.listedAtMs,
    packages: new Map(packages.map((p) => [p.ImportPath, p])),
    userOverlay,
    verdicts: new Map(s.verdicts),
    forceUnmarked: new Set(s.forceUnmarked),
    injected: s.injected,
  });
  return { plan, record };
}

/**
 * The stamp a stored file gets on load: taken now (before the one read that hashes it) when the
 * file holds the stored content, else one only that content can satisfy — the record's check
 * then finds the file changed (a different size is not even read).
 */
function restamp(path: string, c: StoredContent): FileStamp {
  return stampIfHolds(path, c.size, c.sha256) ?? Object.freeze({ size: c.size, mtimeNs: -1n, ino: -1n, dev: -1n, sha256: c.sha256, racy: true });
}

/**
 * The store key of a build's plan: planKey (the go command, its directory, the environment, the
 * mark) with paths under `root` relative to it, and what makes a plan of another toolchain or
 * module cache different. null: a plan that cannot be kept (a user -overlay), or no module root.
 */
export function storedPlanKey(ctx: Pick<BuildContext, 'suffix' | 'goVersion' | 'modCache'>, opts: Pick<PlanOptions, 'go' | 'dir' | 'env' | 'command'>, root: string, extra: string): string | null {
  const key = planKey(ctx, opts);
  if (key === null || root === '' || root === '/') return null;
  const text = relocateJson(JSON.stringify([FORMAT, JSON.parse(key), ctx.goVersion, ctx.modCache, extra]), root, ROOT);
  return `plan-${createHash('sha256').update(text).digest('hex')}`;
}

export { storedPlansEnabled } from '../weaving/weave-cache.js';

export interface StoredPlansOptions {
  /** The weave cache directory (<weft cache dir>/weave). */
  dir: string;
  /** What else tells toolchains apart: the environment go gives its tools (GOOS, GOARCH…), as `go env` said. */
  keyExtra: string;
}

/**
 * The plans of in-process builds, kept in the weave cache: a PlanSource (src/build/driver.ts).
 * A new or re-screened plan is written by `persist`, which the build calls while go runs.
 * What it did goes to the build's stats (planStore); an entry it cannot use, or a store it
 * cannot write, costs a warning, never the build.
 */
export function storedPlans(o: StoredPlansOptions): PlanSource {
  return async (ctx, opts) => {
    // No aspects: the plan is empty and made for nothing.
    if (ctx.planWeaver === null) return { plan: await planBuild(ctx, opts), reuse: false };
    const t0 = performance.now();
    const totals: PlanStoreTotals = { found: false, corrupt: 0, stored: false, why: '', loadMillis: 0 };
    ctx.stats.planStore = totals;
    const root = ctx.moduleRoot;
    const key = storedPlanKey(ctx, opts, root, o.keyExtra);
    if (key === null) return { plan: await planBuild(ctx, opts), reuse: false };
    const store = new LocalStore(o.dir);
    ctx.log.debug(`stored plan: key ${key} (${root} as the module root)`);
    const unreadable = (why: string): void => {
      totals.corrupt++;
      ctx.log.warn(`the stored plan ${store.pathOf(key)} cannot be used (${why}): ignored, planning afresh`);
    };
    const read = store.read(key);
    if (read.kind === 'corrupt') unreadable(read.reason);
    if (read.kind === 'hit') {
      const loaded = decodePlan(read.body, root, ctx.disposers);
      if (typeof loaded === 'string') {
        store.remove(key);
        unreadable(loaded);
      } else {
        totals.found = true;
        const revised = await revisePlan(ctx, opts, loaded.plan, loaded.record);
        totals.loadMillis = Math.round(performance.now() - t0);
        if (revised.kind === 'same') return { plan: keptPlanFor(revised.plan, 0, totals.loadMillis), reuse: true, record: loaded.record };
        if (revised.kind === 'rescreened') {
          const persist = (): void => {
            totals.stored = write(ctx, store, key, revised.plan, loaded.record, root);
          };
          return { plan: keptPlanFor(revised.plan, revised.packages, totals.loadMillis), reuse: 'rescreened', record: loaded.record, persist };
        }
        totals.why = revised.why;
        ctx.log.info(`stored plan: ${revised.why}: planning again`);
      }
    }
    const plan = await planBuild(ctx, opts);
    const record = recordPlan(plan, opts.env, ctx.modCache);
    const reuse = totals.found ? 'replanned' : false;
    if (record === null) {
      ctx.log.info('stored plan: not stored (the module is too large to check, or files changed while the plan was made)');
      return { plan, reuse };
    }
    const persist = (): void => {
      totals.stored = write(ctx, store, key, plan, record, root);
    };
    return { plan, reuse, record, persist };
  };
}

function write(ctx: BuildContext, store: LocalStore, key: string, plan: BuildPlan, record: PlanRecord, root: string): boolean {
  try {
    store.write(key, encodePlan(plan, record, root));
    return true;
  } catch (e) {
    ctx.log.warn(`cannot store the plan in ${store.root} (${(e as Error).message}); the next build plans afresh (set WEFT_CACHE to a writable directory, or WEFT_PLAN_CACHE=off)`);
    return false;
  }
}
