// Planned builds: decide before go starts which packages weft may change, so that every other
// package keeps the cache key plain `go build` gives it. The shim answers `-V=full` unchanged
// and execs unmarked compiles at once; a marked package gets `-gcflags=<pkg>=<the user's flags
// for it> -weftmark=<mark>` (the last matching -gcflags pattern wins in go, so the user's flags
// must be repeated), which puts the mark in its key and tells the shim to ask the server, which
// removes the flag again. The mark hashes what the -V=full suffix of toolexec mode hashes: the
// aspects, weft's build identity, the content of the packages woven code may inject.
//
// A package marked only because it depends on a package whose woven code adds link-time
// packages (a `dependent`: its archive must carry the link deps member) needs no flag: its key
// already differs from plain go's, because go hashes each dependency's content into a compile's
// key and the woven dependency's archive differs. It is listed in a route file the shim reads
// (WEFT_SHIM_ROUTE) instead of getting one -gcflags per package: the command line grows with
// what the aspects weave, not with the size of the build. The shim merges the members of its
// imports' archives into its own (shim/linkdeps.go) without asking the server; a main package
// asks, for blank imports of link-time packages.
//
// What gets marked: packages the aspects weave (decided now, syntactically, through the weave
// cache the compile will ask again), packages that need type information or are cgo (decided at
// compile time, where export data and cgo's generated files exist), and — when woven code adds
// link-time packages — every package that depends on one of those, because link deps travel up
// to the main package through each archive (src/resolve/inject.ts). Of the packages the
// aspects may inject, only those woven code of this build imports or links join the plan, with
// their closure, screened in turn until nothing new is injected (a fixed point within the
// listing of everything injectable: nothing outside it can enter the build through woven code).
// A package decided at compile time may inject anything the configuration names.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { WeftError } from '../errors.js';
import { changedSince, stampFile, stampHolds, type FileStamp } from '../file-stamp.js';
import { makeOwnedTempDir } from '../owned-temp.js';
import { depsOf, goListArgs, runGoList, type GoListOptions, type GoListResult, type ListedPackage } from '../resolve/index.js';
import { extractBuildFlags } from '../toolexec/build-flags.js';
import { joinGoflags, type GoCommand } from '../toolexec/go-command-line.js';
import { findMainModules } from '../toolexec/main-modules.js';
import { flagsForPackage, parsePerPackageValue, type PatternTarget } from '../toolexec/package-flags.js';
import type { WeavePackageInput, WeavePackageResult } from '../weave/api.js';
import type { Screening } from '../weave/index.js';
import { MARK_FLAG, type BuildContext } from '../weaving/build-context.js';
import type { PlanTotals } from '../weaving/stats.js';
import { baseImportPath, isTestMain, weaveInputOfListed } from '../weaving/weave-input.js';

/** Why a package carries the mark. */
export type MarkReason = 'woven' | 'types' | 'cgo' | 'undecided' | 'error' | 'dependent';

export interface BuildPlan {
  mark: string;
  /** Mark key (an import path; test variants go by the package under test) → why. */
  compileMarks: Map<string, MarkReason>;
  /** Flags to add after the user's: -gcflags marks and the -overlay of mark files. */
  flags: string[];
  /** The mark files the -overlay of `flags` carries (target path → text): what a persisted plan writes again. */
  markFiles: Readonly<Record<string, string>>;
  /** The route file (base import paths of the `dependent` packages the shim must send to the server), null when there are none. */
  routeFile: string | null;
  /** What the route file lists. */
  routed: ReadonlySet<string>;
  counts: PlanTotals;
  /** What the plan read of unmarked packages, to check after the build that it still holds. */
  snapshot: PlanSnapshot;
  /** Every file the plan screened, stamped before it was read (null: missing then). */
  stamps: ReadonlyMap<string, FileStamp | null>;
  /** Date.now() just before go list ran: a file or directory changed after it may not be what go listed. */
  listedAtMs: number;
  /** The listing the plan was made from, by go list ImportPath. */
  packages: ReadonlyMap<string, ListedPackage>;
  /** The user's -overlay replacements (absolute paths). */
  userOverlay: Readonly<Record<string, string>>;
  /** Every package the plan decided to mark itself (not as a dependent), by go list ImportPath: what re-screening compares with, and for woven ones the weave (overlay builds use it). */
  verdicts: ReadonlyMap<string, Verdict>;
  /** Packages left unmarked whatever the weaver says (the test hook of PlanOptions). */
  forceUnmarked: ReadonlySet<string>;
  /** The packages woven code of this build injects (imports and link-time packages), their closure being in `packages`: what the build must compile beyond its own. */
  injected: readonly string[];
}

/**
 * Where a build's plan comes from: made now, a daemon's kept plan (src/daemon/plan-cache.ts), or
 * one persisted in the weave cache (plan-store.ts), revalidated (plan-record.ts).
 */

/** How a build got its plan: made afresh (false), kept (true), kept after re-screening files, or made again. */
export type PlanReuse = boolean | 'rescreened' | 'replanned';

/** The plan's decision for one package it screened (absent from BuildPlan.verdicts: unmarked). */
export interface Verdict {
  reason: MarkReason;
  /** Its woven code adds link-time packages: its dependents are marked too. */
  linkDeps: boolean;
  /** The plan's weave of the package (reason `woven`): what an overlay build hands go. */
  result?: WeavePackageResult;
}

export interface PlanOptions {
  go: string;
  /** The go command's directory (after -C). */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The go command (src/toolexec/go-command-line.ts): its flags, GOFLAGS as go reads them, packages. */
  command: GoCommand;
  /** The packages the aspects may inject and their closure, as listed for this build (null: the configuration injects nothing): where injected packages are looked up, not what is planned. */
  injectable: readonly ListedPackage[] | null;
  /** Test hook: packages the plan must leave unmarked whatever the weaver says (the cache-poisoning test). */
  forceUnmarked?: ReadonlySet<string>;
  /** Who removes the plan's files (the overlay of mark files) and when: default, with the build context. A plan kept across builds owns them itself. */
  disposers?: (() => Promise<void> | void)[];
  /** The build's listing, started before the configuration loaded (startPlanListing): used when it lists what planning would. */
  listing?: PlanListing;
}

/** A listing of the build started ahead of planning, so go list runs while weft loads its configuration. */
export interface PlanListing {
  /** go list's arguments: planning takes the listing only when it would run the same. */
  readonly key: string;
  readonly result: Promise<GoListResult>;
  /** Date.now() just before it started. */
  readonly listedAtMs: number;
  /** Stops go list if it still runs (the plan did not need it). */
  cancel(): void;
}

/** What planning lists: the command's packages (or `.`) with the build's flags, test variants for go test and go vet, no Deps. */
function planListingOf(opts: Pick<PlanOptions, 'go' | 'dir' | 'env' | 'command'>): { patterns: string[]; list: GoListOptions } {
  const cmd = opts.command;
  const flags = extractBuildFlags(cmd, opts.env, opts.dir, findMainModules(opts.dir, opts.env['GOWORK'])).flags;
  return {
    patterns: cmd.packages.length > 0 ? [...cmd.packages] : ['.'],
    list: { go: opts.go, dir: opts.dir, env: opts.env, flags, export: false, test: cmd.subcommand === 'test' || cmd.subcommand === 'vet', deps: false },
  };
}

const listingKey = (l: { patterns: string[]; list: GoListOptions }): string => JSON.stringify([l.list.go, l.list.dir, goListArgs(l.patterns, l.list)]);

/**
 * Starts the listing planning will ask for, as soon as the go command and its GOFLAGS are known:
 * go list of a large build takes hundreds of milliseconds that need not wait for the
 * configuration (nor, where aspects inject packages, for the listing of those).
 */
export function startPlanListing(opts: Pick<PlanOptions, 'go' | 'dir' | 'env' | 'command'>): PlanListing {
  const l = planListingOf(opts);
  const abort = new AbortController();
  const listedAtMs = Date.now();
  const result = runGoList(l.patterns, { ...l.list, signal: abort.signal });
  result.catch(() => undefined);
  return { key: listingKey(l), result, listedAtMs, cancel: () => abort.abort() };
}

/**
 * Test hook (WEFT_TEST_PAUSE_AFTER_PLAN once the plan is made, WEFT_TEST_PAUSE_IN_PLAN once it
 * has screened every file, WEFT_TEST_PAUSE_AFTER_LIST once go list has listed the packages): creates `<file>.reached`, then waits until `file` exists (at most a
 * minute), so a test can change sources at that point.
 */
export async function waitForTestGate(file: string | undefined): Promise<void> {
  if (file === undefined || file === '') return;
  writeFileSync(`${file}.reached`, '');
  const until = Date.now() + 60_000;
  while (!existsSync(file) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

/** The mark of this build's configuration: what toolexec mode's -V=full suffix carries. */
export function planMark(ctx: Pick<BuildContext, 'suffix'>): string {
  return createHash('sha256').update(ctx.suffix).digest('hex').slice(0, 16);
}

/** How many times a plan lists the build again when sources change under it, before it goes on with what it has. */
const MAX_RELISTS = 2;

export async function planBuild(ctx: BuildContext, opts: PlanOptions, relists = 0): Promise<BuildPlan> {
  const t0 = performance.now();
  const mark = planMark(ctx);
  const counts: PlanTotals = { listed: 0, injected: 0, candidates: 0, woven: 0, deferred: 0, dependents: 0, compileMarks: 0, overlayMarks: 0, goListRuns: 0, filesScanned: 0, filesParsed: 0, screenedInPool: 0, millis: 0 };
  // No aspects: nothing to mark, nothing to list.
  if (ctx.planWeaver === null) return freezePlan({ mark, compileMarks: new Map(), flags: [], markFiles: {}, counts, snapshot: PlanSnapshot.EMPTY, stamps: new Map(), listedAtMs: Date.now(), packages: new Map(), userOverlay: {}, verdicts: new Map(), forceUnmarked: new Set(), injected: [], routeFile: null, routed: new Set() });
  const cmd = opts.command;
  const wanted = planListingOf(opts);
  const early = opts.listing !== undefined && opts.listing.key === listingKey(wanted) ? opts.listing : null;
  const listedAtMs = early?.listedAtMs ?? Date.now();
  const listing = early !== null ? await early.result : await runGoList(wanted.patterns, wanted.list);
  await waitForTestGate(opts.env['WEFT_TEST_PAUSE_AFTER_LIST']);
  if (listing.exitCode !== 0 && listing.packages.length === 0) {
    throw new WeftError('E_PLAN', `cannot plan the build: ${listing.command} failed`, { details: listing.stderr.trim().split('\n').slice(0, 20), hint: 'the go command will report the same problem; --weft-mode=toolexec skips planning' });
  }
  const packages = new Map<string, ListedPackage>();
  for (const p of listing.packages) if (!packages.has(p.ImportPath) && p.Error === undefined) packages.set(p.ImportPath, p);
  const injectable = new Map<string, ListedPackage>();
  for (const p of opts.injectable ?? []) if (!injectable.has(p.ImportPath)) injectable.set(p.ImportPath, p);

  const weaveEnv = pickEnv(opts.env, ['GOOS', 'GOARCH']);
  const userOverlay = readUserOverlay(opts, cmd);
  const decided = new Map<string, MarkReason>();
  const verdicts = new Map<string, Verdict>();
  const carriesLinkDeps = new Set<string>();
  counts.goListRuns = 1;
  const unmarked: [string, readonly string[]][] = [];
  const stamps = new Map<string, FileStamp | null>();
  const injecting = ctx.importcfg !== null;
  const screen = async (batch: readonly ListedPackage[]): Promise<void> => {
    const toScreen = batch.flatMap((p) => {
      const input = weaveInputOfListed(ctx, p, userOverlay);
      return input === null ? [] : [{ p, input }];
    });
    // Stamped before the screening and the weaves read them: an edit from now on shows in the stamp.
    for (const [f, st] of stampFiles(toScreen.flatMap((x) => x.input.files))) stamps.set(f, st);
    const screened = ctx.planScreen !== null ? await ctx.planScreen(toScreen.map((x) => x.input)) : null;
    counts.screenedInPool += screened?.inPool ?? 0;
    await Promise.all(toScreen.map(async ({ p, input }, i) => {
      const reason = await decide(ctx, p, input, weaveEnv, counts, screened?.screenings[i]);
      if (reason === null || opts.forceUnmarked?.has(markKeyOf(p))) {
        unmarked.push([p.ImportPath, input.files]);
        return;
      }
      decided.set(p.ImportPath, reason.reason);
      verdicts.set(p.ImportPath, reason);
      if (reason.reason === 'woven') counts.woven++;
      else counts.deferred++;
      if (injecting && reason.linkDeps) carriesLinkDeps.add(p.ImportPath);
    }));
  };
  await screen([...packages.values()]);
  // The packages woven code injects join the build with their closure, and are screened in turn
  // (net/http's advice injects a contrib whose closure may hold more woven packages): a fixed
  // point, reached within the injectable listing. Packages the configuration names but no woven
  // package of this build injects stay out of the plan, so go never compiles them.
  const injected = new Set<string>();
  for (;;) {
    const roots = injectedRoots(verdicts.values(), ctx.config.injectedPackages).filter((r) => !injected.has(r));
    if (roots.length === 0) break;
    const added: ListedPackage[] = [];
    for (const r of roots) {
      injected.add(r);
      for (const id of [r, ...depsOf(injectable, r)]) {
        const l = injectable.get(id);
        if (l === undefined || l.Error !== undefined || packages.has(id)) continue;
        packages.set(id, l);
        added.push(l);
      }
    }
    await screen(added);
  }
  counts.listed = packages.size;
  // A source saved after go list began: the stamps vouch for bytes the listing may not have seen
  // (a file added, a function moved to it, an import or build constraint changed), and go will
  // build what it lists itself. Listed again, the plan matches what go will see; later edits
  // show in the stamps (staleAfterBuild).
  if (relists < MAX_RELISTS && changedAfterListing(listedAtMs, stamps, packages.values())) {
    ctx.log.debug(`plan: sources changed after go list began; listing again (${relists + 1})`);
    const { listing: _early, ...again } = opts;
    return planBuild(ctx, again, relists + 1);
  }

  const marks = new Map<string, MarkReason>();
  // Test mains that must reach the server (woven, or given the link deps file): they have no
  // source file of their own to carry an overlay mark.
  const testMainsMarked = new Set<string>();
  for (const [id, reason] of decided) {
    const p = packages.get(id)!;
    marks.set(markKeyOf(p), reason);
    if (isTestMain(p)) testMainsMarked.add(markKeyOf(p));
  }
  if (carriesLinkDeps.size > 0) {
    const reaches = reachesAny(packages, carriesLinkDeps);
    for (const p of packages.values()) {
      if (!reaches(p.ImportPath)) continue;
      const key = markKeyOf(p);
      if (isTestMain(p)) testMainsMarked.add(key);
      if (!marks.has(key)) {
        marks.set(key, 'dependent');
        counts.dependents++;
      }
    }
  }
  for (const key of opts.forceUnmarked ?? []) marks.delete(key);

  await waitForTestGate(opts.env['WEFT_TEST_PAUSE_IN_PLAN']);

  // Placed also when the build turns out to be an overlay build (src/plan/overlay-mode.ts,
  // decided from this plan): a kept plan may serve both kinds, and the marks cost one small file.
  const placed = placeMarks(ctx, opts, cmd, packages, marks, testMainsMarked, mark, userOverlay);
  counts.compileMarks = marks.size;
  counts.overlayMarks = placed.overlayKeys;
  counts.millis = Math.round(performance.now() - t0);
  counts.injected = injected.size;
  const snapshot = PlanSnapshot.EMPTY.with(unmarked, stamps);
  return freezePlan({ mark, compileMarks: marks, flags: placed.flags, markFiles: placed.markFiles, routeFile: placed.routeFile, routed: placed.routed, counts, snapshot, stamps, listedAtMs, packages, userOverlay, verdicts, forceUnmarked: opts.forceUnmarked ?? new Set(), injected: [...injected].filter((p) => packages.has(p)).sort() });
}

/**
 * Whether a package is one of `targets` or depends on one, through the listing's Imports (the
 * plan's listing has no Deps): one visit per package, however many ask.
 */
function reachesAny(packages: ReadonlyMap<string, ListedPackage>, targets: ReadonlySet<string>): (id: string) => boolean {
  const known = new Map<string, boolean>();
  const visit = (id: string): boolean => {
    const seen = known.get(id);
    if (seen !== undefined) return seen;
    // Provisionally false: an import cycle (only in a broken listing) ends here.
    known.set(id, false);
    const p = packages.get(id);
    const yes = targets.has(id) || (p?.Imports ?? p?.Deps ?? []).some(visit);
    known.set(id, yes);
    return yes;
  };
  return visit;
}

/**
 * A plan is shared by the builds that use it (a daemon's kept plans): frozen, so a change is a
 * new plan object (`{ ...plan, field }`) and no build sees another's edit mid-way.
 */
export function freezePlan(plan: BuildPlan): BuildPlan {
  return Object.freeze(plan);
}

/**
 * The packages the plan's verdicts inject: a woven package's added imports and link-time
 * packages; a package decided at compile time may inject whatever the configuration names.
 */
function injectedRoots(verdicts: Iterable<Verdict>, configured: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of verdicts) {
    if (v.reason === 'dependent') continue;
    if (v.result === undefined) {
      for (const p of configured) out.add(p);
      continue;
    }
    for (const p of [...v.result.addedImports, ...v.result.linkDeps]) out.add(p);
  }
  out.delete('unsafe');
  out.delete('C');
  return [...out].sort();
}

/**
 * Where each mark goes. go records the last -gcflags value in every binary's build information
 * (`go version -m`), which is part of each main package's cache key: a -gcflags mark would show
 * in the binaries and recompile every main package. So a marked package named on the command
 * line (in the main module) gets its mark as a file instead, added through -overlay (which go
 * hashes into the package's key and does not record), and the -gcflags marks of the others
 * (std, dependencies: go never lets a value without a pattern reach them) are followed by an
 * empty `-gcflags=`, which applies to command-line packages only and, being last, is what the
 * build information records — nothing, as for a plain build — when the user gave no -gcflags.
 */
function placeMarks(
  ctx: BuildContext,
  opts: PlanOptions,
  cmd: GoCommand,
  packages: ReadonlyMap<string, ListedPackage>,
  marks: ReadonlyMap<string, MarkReason>,
  testMainsMarked: ReadonlySet<string>,
  mark: string,
  userOverlay: Readonly<Record<string, string>>,
): { flags: string[]; markFiles: Record<string, string>; overlayKeys: number; routeFile: string | null; routed: Set<string> } {
  const targets = patternTargets(packages.values());
  const userValues = cmd.allFlags.filter((f) => f.name === 'gcflags' && f.value !== true);
  const values = userValues.map((f) => parsePerPackageValue(f.value as string, opts.dir));
  const overlay: Record<string, string> = {};
  const gcflags: string[] = [];
  // go's cover tool (and cgo, and vet) open the listed file names themselves, without the
  // overlay: there a mark file cannot be used.
  const filesCanMark = cmd.subcommand !== 'vet' && !cmd.cover;
  let cmdlineFlagMark = false;
  const routedKeys = new Set<string>();
  for (const key of [...marks.keys()].sort()) {
    const target = targets.get(key) ?? { importPath: key, dir: '', standard: false, cmdline: false };
    const p = packages.get(key) ?? [...packages.values()].find((x) => markKeyOf(x) === key);
    const asFile = filesCanMark && target.cmdline && !target.standard && p?.Module?.Main === true && target.dir !== '' && (p?.CgoFiles?.length ?? 0) === 0;
    if (asFile) {
      overlay[join(target.dir, `weft_mark_${mark}.go`)] = `package ${p!.Name}\n`;
      if (packages.has(`${key}_test [${key}.test]`)) overlay[join(target.dir, `weft_mark_${mark}_test.go`)] = `package ${p!.Name}_test\n`;
    }
    if (!asFile && marks.get(key) === 'dependent') {
      routedKeys.add(key);
      continue;
    }
    // A marked test main has no file of its own to carry a mark: it follows its package's -gcflags.
    if (!asFile || testMainsMarked.has(key)) {
      gcflags.push(`-gcflags=${key}=${joinGoflags([...flagsForPackage(values, target), `${MARK_FLAG}${mark}`])}`);
      if (target.cmdline) cmdlineFlagMark = true;
    }
  }
  if (gcflags.length > 0 && userValues.length === 0 && !cmdlineFlagMark) gcflags.push('-gcflags=');
  // The shim matches TOOLEXEC_IMPORTPATH without its ` [x.test]` suffix: every variant of a
  // routed key (the package, its test variants and test main) is listed by that name.
  const routed = new Set<string>();
  for (const p of packages.values()) if (routedKeys.has(markKeyOf(p))) routed.add(baseImportPath(p.ImportPath));
  const written = writeMarkFiles(opts.disposers ?? ctx.disposers, gcflags, overlay, routed, userOverlay);
  return { ...written, markFiles: overlay, overlayKeys: Object.keys(overlay).length, routed };
}

/**
 * The temporary files a plan's marks need (the overlay of mark files, the route file), written
 * for this process, and the flags naming them: `gcflags` followed by the -overlay. A persisted
 * plan keeps what they hold and writes them again on load.
 */
export function writeMarkFiles(
  disposers: (() => Promise<void> | void)[],
  gcflags: readonly string[],
  markFiles: Readonly<Record<string, string>>,
  routed: ReadonlySet<string>,
  userOverlay: Readonly<Record<string, string>>,
): { flags: string[]; routeFile: string | null } {
  const flags = [...gcflags];
  if (Object.keys(markFiles).length > 0) flags.push(`-overlay=${writeOverlay(disposers, userOverlay, { ...markFiles })}`);
  return { flags, routeFile: routed.size > 0 ? writeRouteFile(disposers, routed) : null };
}

/** Writes the route file: one import path a line, between newlines, so the shim can search for `\n<path>\n`. */
function writeRouteFile(disposers: (() => Promise<void> | void)[], routed: ReadonlySet<string>): string {
  const dir = makeOwnedTempDir('weft-route-');
  disposers.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'route');
  writeFileSync(file, `\n${[...routed].sort().join('\n')}\n`);
  return file;
}

/**
 * Writes the overlay file (the user's -overlay merged in) into a directory removed with the
 * plan's owner; owned by this process (src/owned-temp.ts), so a later build removes it if this
 * one is killed.
 */
export function writeOverlay(disposers: (() => Promise<void> | void)[], user: Readonly<Record<string, string>>, files: Record<string, string>): string {
  const dir = makeOwnedTempDir(OVERLAY_PREFIX);
  disposers.push(() => rmSync(dir, { recursive: true, force: true }));
  const replace: Record<string, string> = { ...user };
  let n = 0;
  for (const [target, text] of Object.entries(files)) {
    // The compile is given this path: its name must carry the mark as the target's does.
    const sub = join(dir, String(n++));
    mkdirSync(sub);
    const file = join(sub, basename(target));
    writeFileSync(file, text);
    replace[target] = file;
  }
  const json = join(dir, 'overlay.json');
  writeFileSync(json, JSON.stringify({ Replace: replace }));
  return json;
}

/** The overlay directories' prefix in the temporary directory (swept by later builds when their owner is gone). */
export const OVERLAY_PREFIX = 'weft-overlay-';

/**
 * The user's -overlay (command line, else GOFLAGS), paths made absolute as go resolves them
 * (against the go command's directory): the plan must read what the compile will read.
 */
function readUserOverlay(opts: PlanOptions, cmd: GoCommand): Record<string, string> {
  const replace: Record<string, string> = {};
  const user = cmd.overlay;
  if (user === '') return replace;
  const path = isAbsolute(user) ? user : join(opts.dir, user);
  let parsed: { Replace?: Record<string, string> };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as { Replace?: Record<string, string> };
  } catch (e) {
    throw new WeftError('E_USAGE', `cannot read the -overlay file ${path}: ${(e as Error).message}`, { hint: 'go build -overlay needs a JSON file {"Replace": {...}}' });
  }
  for (const [k, v] of Object.entries(parsed.Replace ?? {})) replace[isAbsolute(k) ? k : join(opts.dir, k)] = v === '' || isAbsolute(v) ? v : join(opts.dir, v);
  return replace;
}

async function decide(
  ctx: BuildContext,
  p: ListedPackage,
  input: WeavePackageInput,
  env: Readonly<Record<string, string>>,
  counts: PlanTotals,
  screened?: Screening,
): Promise<{ reason: MarkReason; linkDeps: boolean; result?: WeavePackageResult } | null> {
  if (ctx.planWeaver === null) return null;
  const outcome = await ctx.planWeaver(input, env, undefined, screened);
  if (!outcome.ok) return { reason: 'error', linkDeps: true };
  const r: WeavePackageResult = outcome.result;
  counts.filesScanned += r.stats.filesScanned;
  counts.filesParsed += r.stats.filesParsed;
  const sawIt = r.stats.filesParsed > 0 || r.files.length > 0 || r.typeQuestions !== undefined || (r.warnings?.length ?? 0) > 0;
  if (sawIt) counts.candidates++;
  // cgo: the compile sees cgo's generated files, not these; whatever matched is woven there.
  if ((p.CgoFiles?.length ?? 0) > 0) return sawIt ? { reason: 'cgo', linkDeps: true } : null;
  if (r.typeQuestions !== undefined && r.typeQuestions.length > 0) return { reason: 'types', linkDeps: true };
  if ((r.warnings?.length ?? 0) > 0) return { reason: 'undecided', linkDeps: true };
  if (r.files.length > 0 || r.extraFiles.length > 0) return { reason: 'woven', linkDeps: r.addedImports.length > 0 || r.linkDeps.length > 0, result: r };
  return null;
}

/**
 * The import path go matches -gcflags/-ldflags patterns against for this package: its own, but
 * for the package under test, its external test package and the test main, the package under
 * test's (go gives those three the flags of the package under test; checked with go 1.26).
 */
export function markKeyOf(p: ListedPackage): string {
  const base = baseImportPath(p.ImportPath);
  if (p.ForTest !== undefined && p.ForTest !== '' && (base === p.ForTest || base === `${p.ForTest}_test`)) return p.ForTest;
  if (isTestMain(p)) return base.slice(0, -'.test'.length);
  return base;
}

/** One pattern target per mark key: its directory, whether it is std, whether the command line named it. */
function patternTargets(packages: Iterable<ListedPackage>): Map<string, PatternTarget> {
  const out = new Map<string, PatternTarget>();
  for (const p of packages) {
    const key = markKeyOf(p);
    const t = out.get(key) ?? { importPath: key, dir: '', standard: false, cmdline: false };
    if (t.dir === '' || baseImportPath(p.ImportPath) === key) {
      t.dir = p.Dir ?? t.dir;
      t.standard = p.Standard === true;
    }
    if (p.DepOnly !== true) t.cmdline = true;
    out.set(key, t);
  }
  return out;
}

function pickEnv(env: NodeJS.ProcessEnv, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (env[k] !== undefined && env[k] !== '') out[k] = env[k]!;
  return out;
}

/**
 * The files of unmarked packages as the plan read them: their stamps (src/file-stamp.ts), taken
 * before the plan read them. After the build, a package with a file that no longer holds its
 * stamp is planned again, and if it would now be woven the build is reported stale. Immutable:
 * a kept plan is read by several builds at once, so a change makes a new snapshot (`with`).
 */
export class PlanSnapshot {
  private constructor(
    private readonly files: ReadonlyMap<string, { readonly pkg: string; readonly stamp: FileStamp | null }>,
    private readonly byPackage: ReadonlyMap<string, readonly string[]>,
  ) {
    Object.freeze(this);
  }

  static readonly EMPTY = new PlanSnapshot(new Map(), new Map());

  /** This snapshot with the files of each package stamped as `stamps` says (a file without a stamp there is stamped now). */
  with(packages: Iterable<readonly [pkg: string, paths: readonly string[]]>, stamps: ReadonlyMap<string, FileStamp | null>): PlanSnapshot {
    const files = new Map(this.files);
    const byPackage = new Map(this.byPackage);
    for (const [pkg, paths] of packages) {
      byPackage.set(pkg, Object.freeze([...paths]));
      for (const path of paths) files.set(path, Object.freeze({ pkg, stamp: stamps.has(path) ? stamps.get(path)! : stampFile(path) }));
    }
    return new PlanSnapshot(files, byPackage);
  }

  /** Packages with a file that changed since the plan read it. */
  changedPackages(): string[] {
    const out = new Set<string>();
    for (const [path, was] of this.files) {
      if (!out.has(was.pkg) && !stampHolds(was.stamp, path)) out.add(was.pkg);
    }
    return [...out];
  }

  /** Each package of the snapshot with its files. */
  packages(): [pkg: string, paths: readonly string[]][] {
    return [...this.byPackage];
  }

  filesOf(pkg: string): readonly string[] {
    return this.byPackage.get(pkg) ?? [];
  }

  /** The stamp the snapshot holds for a file (undefined: not in the snapshot). */
  stampOf(path: string): FileStamp | null | undefined {
    return this.files.get(path)?.stamp;
  }

  get size(): number {
    return this.files.size;
  }
}

/** Stamps every file before it is read (src/file-stamp.ts): what the plan's verdicts vouch for. */
export function stampFiles(paths: Iterable<string>): Map<string, FileStamp | null> {
  const out = new Map<string, FileStamp | null>();
  for (const path of paths) if (!out.has(path)) out.set(path, stampFile(path));
  return out;
}

/**
 * After a planned build: the unmarked packages whose files changed and which the aspects would
 * now weave. Non-empty means the build may lack instrumentation there (their objects are plain
 * and stored under plain keys, which is correct for plain go; the binary is not).
 */
export async function staleAfterBuild(ctx: BuildContext, plan: BuildPlan, env: NodeJS.ProcessEnv): Promise<string[]> {
  const stale: string[] = [];
  for (const id of plan.snapshot.changedPackages()) {
    if ((await screenAgain(ctx, plan, id, env)) !== null) stale.push(id);
  }
  return stale;
}

/**
 * Whether a local source changed after go list started (at `listedAtMs`): a file the plan
 * stamped (its stamp, taken after the listing, may vouch for bytes go list never saw), or a
 * package directory (a file added or removed).
 */
export function changedAfterListing(listedAtMs: number, stamps: ReadonlyMap<string, FileStamp | null>, packages: Iterable<ListedPackage>): boolean {
  for (const st of stamps.values()) if (st !== null && changedSince(st.mtimeNs, listedAtMs)) return true;
  for (const p of packages) {
    if (p.Standard === true || p.Dir === undefined) continue;
    try {
      if (changedSince(statSync(p.Dir, { bigint: true }).mtimeNs, listedAtMs)) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * Screens one listed package of `plan` again, as planning did (pre-filter, then the syntactic
 * weave through the weave cache): its verdict now, null when it would be left unmarked.
 */
export async function decidePackage(ctx: BuildContext, plan: BuildPlan, importPath: string, env: NodeJS.ProcessEnv): Promise<Verdict | null> {
  const p = plan.packages.get(importPath);
  const verdict = await screenAgain(ctx, plan, importPath, env);
  return verdict === null || (p !== undefined && plan.forceUnmarked.has(markKeyOf(p))) ? null : verdict;
}

async function screenAgain(ctx: BuildContext, plan: BuildPlan, importPath: string, env: NodeJS.ProcessEnv): Promise<Verdict | null> {
  const p = plan.packages.get(importPath);
  if (p === undefined || ctx.planWeaver === null) return null;
  const input = weaveInputOfListed(ctx, p, plan.userOverlay);
  if (input === null) return null;
  const counts = { ...plan.counts };
  return decide(ctx, p, input, pickEnv(env, ['GOOS', 'GOARCH']), counts);
}
