// What a plan was made from, and whether it still holds. A plan (plan.ts) costs a `go list -deps`
// and a screening of every listed package; between two builds almost nothing it read has
// changed. So a kept plan — a daemon's, in memory (src/daemon/plan-cache.ts), or one persisted
// in the weave cache (plan-store.ts) — carries a record of what it was made from: the module
// files, the listing of every directory of the main module (and local replace directories), and
// each Go file's size, time, content hash and header. At the start of the next build that record
// is checked against the file system, never trusting anything else:
//   - nothing changed: the plan is used as it is (no go list, nothing screened);
//   - only file contents changed, with the same directory listings and the same headers (package
//     clause, build constraints, imports: what go list reads): the listing still holds, and only
//     those files' packages are screened again; if every verdict is the one the plan has, the
//     plan stands (revisePlan);
//   - anything else (go.mod, a file added or removed, a header, a flipped verdict): a new plan.
// GOROOT and the module cache are immutable and not checked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { changedSince, readStamped, sameStamp, stampHolds, type FileStamp } from '../file-stamp.js';
import type { BuildContext } from '../weaving/build-context.js';
import { inModuleCache } from '../weaving/module-root.js';
import { weaveInputOfListed } from '../weaving/weave-input.js';
import { decidePackage, freezePlan, stampFiles, type BuildPlan, type PlanOptions, type PlanReuse, type Verdict } from './plan.js';
import { scanGoHeader } from './go-header.js';

export interface FileRecord {
  /** Taken before the read the plan (or the header below) came from; with the content's hash. */
  stamp: FileStamp;
  header: string | null;
}

/** What a plan was made from, as the file system showed it then. */
export interface PlanRecord {
  keyFiles: Map<string, FileStamp | null>;
  /** Directory → its entry names, sorted, joined by "/". */
  dirs: Map<string, string>;
  files: Map<string, FileRecord>;
  /** File → the listed packages (ImportPath) compiled from it. */
  packagesOf: Map<string, string[]>;
}

/**
 * Where a build gets its plan when plans are kept (a daemon's in memory, stored ones): `record`
 * is what the plan was made from, with content hashes, when the source keeps one (stored plans:
 * a replay record is made from it); `persist` keeps the plan for later builds, which the build
 * does while go runs.
 */
export type PlanSource = (ctx: BuildContext, opts: PlanOptions) => Promise<{ plan: BuildPlan; reuse: PlanReuse; record?: PlanRecord; persist?: () => void }>;

export type Revalidation =
  | { kind: 'same' }
  | { kind: 'rescreen'; packages: string[]; files: string[] }
  | { kind: 'replan'; why: string };

/** More directories than this under the module roots: keep no plan (checking would cost what planning does). */
const MAX_DIRS = 20_000;

/**
 * Records what `plan` was made from: null when the module is too large to check cheaply, or when
 * something changed while the plan was made (go list may have seen it as it was, the screening
 * as it is: no record can say which, so the next build plans afresh). Local packages are those
 * outside GOROOT and the module cache: the main module(s), local replace directories, vendor.
 * The stamps of the files the plan screened are the plan's own, taken before it read them
 * (src/file-stamp.ts); the rest are taken here, each before its read.
 */
export function recordPlan(plan: BuildPlan, env: NodeJS.ProcessEnv, modCache: string, extraKeyFiles: readonly string[] = []): PlanRecord | null {
  // The module cache is immutable (go makes it read-only). `go env GOMODCACHE` is the build's
  // own answer (GOMODCACHE, GOPATH and `go env -w` included); unknown (''), everything is checked.
  const record: PlanRecord = { keyFiles: new Map(), dirs: new Map(), files: new Map(), packagesOf: new Map() };
  /** Changed after go list started: the listing may not be what it says now. */
  const afterListing = (mtimeNs: bigint): boolean => changedSince(mtimeNs, plan.listedAtMs);
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
  for (const f of record.keyFiles.keys()) {
    const stamp = contentStamp(f);
    if (stamp !== null && afterListing(stamp.mtimeNs)) return null;
    record.keyFiles.set(f, stamp);
  }

  const walked = new Set<string>();
  let changed = false;
  const listDirStamped = (dir: string): string[] | null => {
    const mtime = dirMtimeNs(dir);
    if (mtime !== null && afterListing(mtime)) changed = true;
    return listDir(dir);
  };
  const walk = (dir: string, root: string): boolean => {
    if (walked.size > MAX_DIRS) return false;
    walked.add(dir);
    const names = listDirStamped(dir);
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
      const names = listDirStamped(dir);
      if (names !== null) record.dirs.set(dir, names.join('/'));
    }
    for (const name of (record.dirs.get(dir) ?? '').split('/')) {
      if (!name.endsWith('.go')) continue;
      const path = join(dir, name);
      const file = recordFile(path);
      if (file === null) continue;
      // The plan's verdicts came from the bytes its own stamp vouches for: a file saved since
      // (after the screening read it) must not be recorded as what the plan saw.
      const planned = plan.stamps.get(path);
      if (planned !== undefined && !sameStamp(planned, file.stamp)) return null;
      if (afterListing(file.stamp.mtimeNs)) return null;
      record.files.set(path, file);
    }
  }
  return changed ? null : record;
}

/** Checks `record` against the file system now (see the header for what each outcome means). */
export function revalidatePlan(record: PlanRecord): Revalidation {
  for (const [path, was] of record.keyFiles) {
    if (!stampHolds(was, path)) return { kind: 'replan', why: `${path} changed` };
  }
  for (const [dir, names] of record.dirs) {
    const listed = listDir(dir);
    if (listed === null || listed.join('/') !== names) return { kind: 'replan', why: `files were added to or removed from ${dir}` };
  }
  const packages = new Set<string>();
  const files: string[] = [];
  for (const [path, was] of record.files) {
    if (stampHolds(was.stamp, path)) continue;
    let text: Buffer;
    try {
      text = readFileSync(path);
    } catch {
      return { kind: 'replan', why: `${path} cannot be read` };
    }
    const header = scanGoHeader(text.toString('utf8'));
    if (header === null || header !== was.header) return { kind: 'replan', why: `the package clause, build constraints or imports of ${path} changed` };
    files.push(path);
    for (const p of record.packagesOf.get(path) ?? []) packages.add(p);
  }
  if (files.length === 0) return { kind: 'same' };
  return { kind: 'rescreen', packages: [...packages].sort(), files };
}

/**
 * After a re-screen that left the plan standing: the record takes the files as the re-screen
 * read them (`before`: their stamps, taken before it read them). False when one changed since,
 * which the record cannot take: the plan must be made again.
 */
export function refreshFiles(record: PlanRecord, files: readonly string[], before: ReadonlyMap<string, FileStamp | null> = new Map()): boolean {
  for (const f of files) {
    const r = recordFile(f);
    const was = before.get(f);
    if (was !== undefined && (r === null ? was !== null : !sameStamp(was, r.stamp))) return false;
    if (r !== null) record.files.set(f, r);
    else record.files.delete(f);
  }
  return true;
}

/** The files the plan screens for a listed package (as its compile presents them). */
export function screenedFilesOf(ctx: BuildContext, plan: BuildPlan, id: string): readonly string[] {
  const p = plan.packages.get(id);
  return p === undefined ? [] : weaveInputOfListed(ctx, p, plan.userOverlay)?.files ?? [];
}

/** Whether two verdicts (null: unmarked) mark the same way. */
export function sameVerdict(a: Verdict | null | undefined, b: Verdict | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  // What woven code injects decides which packages the plan holds and builds before go starts.
  const injects = (v: Verdict): string => [...new Set([...(v.result?.addedImports ?? []), ...(v.result?.linkDeps ?? [])])].sort().join('\n');
  return a.reason === b.reason && a.linkDeps === b.linkDeps && injects(a) === injects(b);
}

const OUTPUT_ONLY_FLAGS: ReadonlySet<string> = new Set(['o', 'x', 'v', 'work']);

/**
 * What makes two builds' plans the same: the go command as go reads it (subcommand, every flag
 * from GOFLAGS — the environment's or `go env -w`'s — and the command line, packages) and its
 * directory, the environment that changes go's listing or weft's screening, and the mark
 * (aspects, weft's identity, injected packages' content). null when the build has its own
 * -overlay (its content is not recorded).
 */
export function planKey(ctx: Pick<BuildContext, 'suffix'>, opts: Pick<PlanOptions, 'go' | 'dir' | 'env' | 'command'>): string | null {
  // Where go and weft keep their caches changes nothing listed or screened (a CI job restores
  // its caches wherever its runner puts them).
  const env = Object.entries(opts.env)
    .filter(([k]) => (/^(GO|CGO_|CC$|CXX$)/.test(k) && !/^GO(CACHE|CACHEPROG|TMPDIR)$/.test(k)) || (k.startsWith('WEFT_') && !/^WEFT_(STATS|LOG|PROGRESS|DAEMON|CACHE|PLAN_CACHE|WEAVE_CACHE|REMOTE_CACHE|BENCH_)/.test(k)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const cmd = opts.command;
  if (cmd.overlay !== '') return null;
  // Where the binary goes, what go prints and whether it keeps $WORK change nothing go lists or
  // weft screens (a CI job run again with -x must find its plan).
  const flags = cmd.allFlags.filter((f) => !OUTPUT_ONLY_FLAGS.has(f.name)).map((f) => [f.name, f.value]);
  return JSON.stringify([ctx.suffix, opts.go, opts.dir, cmd.pre, cmd.subcommand, flags, cmd.packages, env]);
}

function listDir(dir: string): string[] | null {
  try {
    return readdirSync(dir).sort();
  } catch {
    return null;
  }
}

/** A stamp that knows the content (key files: a rewrite with the same bytes changes nothing). */
function contentStamp(path: string): FileStamp | null {
  try {
    return readStamped(path).stamp;
  } catch {
    return null;
  }
}

function recordFile(path: string): FileRecord | null {
  try {
    const { stamp, bytes } = readStamped(path);
    return { stamp, header: scanGoHeader(bytes.toString('utf8')) };
  } catch {
    return null;
  }
}

function dirMtimeNs(dir: string): bigint | null {
  try {
    return statSync(dir, { bigint: true }).mtimeNs;
  } catch {
    return null;
  }
}

/** What a kept plan is for the build at hand (revisePlan). */
export type Revised =
  | { kind: 'same'; plan: BuildPlan }
  /** The plan stands after `packages` were screened again (a new plan object; the record took the files as read). */
  | { kind: 'rescreened'; plan: BuildPlan; packages: number }
  | { kind: 'replan'; why: string };

/**
 * Checks a kept plan and its record (revalidatePlan) and screens again what only changed in
 * content: the plan as it stands for this build, or why it must be made again. `record` is
 * updated in place when the plan stands after a re-screen.
 */
export async function revisePlan(ctx: BuildContext, opts: Pick<PlanOptions, 'env'>, plan: BuildPlan, record: PlanRecord): Promise<Revised> {
  const check = revalidatePlan(record);
  if (check.kind === 'same') return { kind: 'same', plan };
  if (check.kind === 'replan') return check;
  // Stamped before the re-screening reads them: what the new verdicts vouch for.
  const before = stampFiles([...check.files, ...check.packages.flatMap((id) => screenedFilesOf(ctx, plan, id))]);
  // The same verdicts may come with new weaves (an edited woven package): an overlay build
  // hands go the plan's weave, so the plan keeps the new one.
  const verdicts = new Map(plan.verdicts);
  for (const id of check.packages) {
    const now = await decidePackage(ctx, plan, id, opts.env);
    if (!sameVerdict(now, plan.verdicts.get(id))) return { kind: 'replan', why: `${id} is ${now === null ? 'no longer marked' : `now ${now.reason}`}` };
    if (now !== null) verdicts.set(id, now);
  }
  if (!refreshFiles(record, check.files, before)) return { kind: 'replan', why: 'files changed while they were screened again' };
  // A new plan object: builds still holding the previous one see it unchanged.
  const stamps = new Map([...plan.stamps, ...before]);
  const unmarked = check.packages.filter((id) => !verdicts.has(id)).map((id) => [id, screenedFilesOf(ctx, plan, id)] as const);
  return { kind: 'rescreened', plan: freezePlan({ ...plan, verdicts, stamps, snapshot: plan.snapshot.with(unmarked, stamps) }), packages: check.packages.length };
}

/** A kept plan as one build uses it: its counts say what this build's planning did (no go list; `rescreened` packages screened again, in `millis`). */
export function keptPlanFor(plan: BuildPlan, rescreened: number, millis: number): BuildPlan {
  return freezePlan({ ...plan, counts: { ...plan.counts, goListRuns: 0, filesScanned: 0, filesParsed: 0, screenedInPool: 0, candidates: rescreened, millis: Math.round(millis) } });
}
