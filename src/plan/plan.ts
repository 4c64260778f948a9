// Planned builds: decide before go starts which packages weft may change, so that every other
// package keeps the cache key plain `go build` gives it. The shim answers `-V=full` unchanged
// and execs unmarked compiles at once; a marked package gets `-gcflags=<pkg>=<the user's flags
// for it> -weftmark=<mark>` (the last matching -gcflags pattern wins in go, so the user's flags
// must be repeated), which puts the mark in its key and tells the shim to ask the server, which
// removes the flag again. The mark hashes what the -V=full suffix of toolexec mode hashes: the
// aspects, weft's build identity, the content of the packages woven code may inject.
//
// What gets marked: packages the aspects weave (decided now, syntactically, through the weave
// cache the compile will ask again), packages that need type information or are cgo (decided at
// compile time, where export data and cgo's generated files exist), and — when woven code adds
// link-time packages — every package that depends on one of those, because link deps travel up
// to the main package through each archive (src/resolve/inject.ts). The packages the aspects
// may inject are planned too (their listing is the closure of everything injectable, a fixed
// point by construction: nothing outside it can enter the build through woven code).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { WeftError } from '../errors.js';
import { runGoList, type ListedPackage } from '../resolve/index.js';
import { extractBuildFlags } from '../toolexec/build-flags.js';
import { joinGoflags, lastFlag, parseGoCommand, parseGoflags } from '../toolexec/go-command-line.js';
import { findMainModules } from '../toolexec/main-modules.js';
import { flagsForPackage, parsePerPackageValue, type PatternTarget } from '../toolexec/package-flags.js';
import type { WeavePackageInput, WeavePackageResult } from '../weave/api.js';
import type { Screening } from '../weave/index.js';
import { MARK_FLAG, type BuildContext } from '../weaving/build-context.js';
import type { PlanTotals } from '../weaving/stats.js';

/** Why a package carries the mark. */
export type MarkReason = 'woven' | 'types' | 'cgo' | 'undecided' | 'error' | 'dependent';

export interface BuildPlan {
  mark: string;
  /** Mark key (an import path; test variants go by the package under test) → why. */
  compileMarks: Map<string, MarkReason>;
  /** Flags to add after the user's: -gcflags marks and the -overlay of mark files. */
  flags: string[];
  counts: PlanTotals;
  /** What the plan read of unmarked packages, to check after the build that it still holds. */
  snapshot: PlanSnapshot;
  /** The listing the plan was made from, by go list ImportPath. */
  packages: ReadonlyMap<string, ListedPackage>;
  /** The user's -overlay replacements (absolute paths). */
  userOverlay: Readonly<Record<string, string>>;
  /** Every package the plan decided to mark itself (not as a dependent), by go list ImportPath: what re-screening compares with, and for woven ones the weave (overlay builds use it). */
  verdicts: ReadonlyMap<string, Verdict>;
  /** Packages left unmarked whatever the weaver says (the test hook of PlanOptions). */
  forceUnmarked: ReadonlySet<string>;
}

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
  /** go's arguments from the subcommand on (`build -race ./...`), without weft's flags. */
  goArgs: readonly string[];
  /** The packages the aspects may inject, as listed for this build (null: the configuration injects nothing). */
  injectable: readonly ListedPackage[] | null;
  /** Test hook: packages the plan must leave unmarked whatever the weaver says (the cache-poisoning test). */
  forceUnmarked?: ReadonlySet<string>;
  /** Who removes the plan's files (the overlay of mark files) and when: default, with the build context. A plan kept across builds owns them itself. */
  disposers?: (() => Promise<void> | void)[];
}

/** The mark of this build's configuration: what toolexec mode's -V=full suffix carries. */
export function planMark(ctx: Pick<BuildContext, 'suffix'>): string {
  return createHash('sha256').update(ctx.suffix).digest('hex').slice(0, 16);
}

export async function planBuild(ctx: BuildContext, opts: PlanOptions): Promise<BuildPlan> {
  const t0 = performance.now();
  const mark = planMark(ctx);
  const counts: PlanTotals = { listed: 0, candidates: 0, woven: 0, deferred: 0, dependents: 0, compileMarks: 0, overlayMarks: 0, goListRuns: 0, filesScanned: 0, filesParsed: 0, screenedInPool: 0, millis: 0 };
  // No aspects: nothing to mark, nothing to list.
  if (ctx.planWeaver === null) return { mark, compileMarks: new Map(), flags: [], counts, snapshot: new PlanSnapshot(), packages: new Map(), userOverlay: {}, verdicts: new Map(), forceUnmarked: new Set() };
  const cmd = parseGoCommand(opts.goArgs);
  const flags = extractBuildFlags(opts.goArgs, opts.env, opts.dir, findMainModules(opts.dir, opts.env['GOWORK'])).flags;
  const listing = await runGoList(cmd.packages.length > 0 ? cmd.packages : ['.'], {
    go: opts.go, dir: opts.dir, env: opts.env, flags, export: false, test: cmd.subcommand === 'test' || cmd.subcommand === 'vet',
  });
  if (listing.exitCode !== 0 && listing.packages.length === 0) {
    throw new WeftError('E_PLAN', `cannot plan the build: ${listing.command} failed`, { details: listing.stderr.trim().split('\n').slice(0, 20), hint: 'the go command will report the same problem; --weft-mode=toolexec skips planning' });
  }
  const packages = new Map<string, ListedPackage>();
  for (const p of [...listing.packages, ...(opts.injectable ?? [])]) if (!packages.has(p.ImportPath) && p.Error === undefined) packages.set(p.ImportPath, p);

  const weaveEnv = pickEnv(opts.env, ['GOOS', 'GOARCH', 'GOFLAGS']);
  const userOverlay = readUserOverlay(opts, cmd);
  const decided = new Map<string, MarkReason>();
  const verdicts = new Map<string, Verdict>();
  const carriesLinkDeps = new Set<string>();
  counts.listed = packages.size;
  counts.goListRuns = 1;
  const snapshot = new PlanSnapshot();
  const injecting = ctx.importcfg !== null;
  const toScreen = [...packages.values()].flatMap((p) => {
    const input = weaveInputOfListed(ctx, p, userOverlay);
    return input === null ? [] : [{ p, input }];
  });
  const screened = ctx.planScreen !== null ? await ctx.planScreen(toScreen.map((x) => x.input)) : null;
  counts.screenedInPool = screened?.inPool ?? 0;
  await Promise.all(toScreen.map(async ({ p, input }, i) => {
    const reason = await decide(ctx, p, input, weaveEnv, counts, screened?.screenings[i]);
    if (reason === null || opts.forceUnmarked?.has(markKeyOf(p))) {
      snapshot.record(p.ImportPath, input.files);
      return;
    }
    decided.set(p.ImportPath, reason.reason);
    verdicts.set(p.ImportPath, reason);
    if (reason.reason === 'woven') counts.woven++;
    else counts.deferred++;
    if (injecting && reason.linkDeps) carriesLinkDeps.add(p.ImportPath);
  }));

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
    for (const p of packages.values()) {
      if (!carriesLinkDeps.has(p.ImportPath) && !(p.Deps ?? []).some((d) => carriesLinkDeps.has(d))) continue;
      const key = markKeyOf(p);
      if (isTestMain(p)) testMainsMarked.add(key);
      if (!marks.has(key)) {
        marks.set(key, 'dependent');
        counts.dependents++;
      }
    }
  }
  for (const key of opts.forceUnmarked ?? []) marks.delete(key);

  // Placed also when the build turns out to be an overlay build (src/plan/overlay-mode.ts,
  // decided from this plan): a kept plan may serve both kinds, and the marks cost one small file.
  const placed = placeMarks(ctx, opts, cmd, packages, marks, testMainsMarked, mark, userOverlay);
  counts.compileMarks = marks.size;
  counts.overlayMarks = placed.overlayKeys;
  counts.millis = Math.round(performance.now() - t0);
  return { mark, compileMarks: marks, flags: placed.flags, counts, snapshot, packages, userOverlay, verdicts, forceUnmarked: opts.forceUnmarked ?? new Set() };
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
  cmd: ReturnType<typeof parseGoCommand>,
  packages: ReadonlyMap<string, ListedPackage>,
  marks: ReadonlyMap<string, MarkReason>,
  testMainsMarked: ReadonlySet<string>,
  mark: string,
  userOverlay: Readonly<Record<string, string>>,
): { flags: string[]; overlayKeys: number } {
  const targets = patternTargets(packages.values());
  const goflags = parseGoflags(opts.env['GOFLAGS']);
  const userValues = [...goflags, ...cmd.flags].filter((f) => f.name === 'gcflags' && f.value !== true);
  const values = userValues.map((f) => parsePerPackageValue(f.value as string, opts.dir));
  const overlay: Record<string, string> = {};
  const gcflags: string[] = [];
  // go's cover tool (and cgo, and vet) open the listed file names themselves, without the
  // overlay: there a mark file cannot be used.
  const all = [...goflags, ...cmd.flags];
  const filesCanMark = cmd.subcommand !== 'vet' && !all.some((f) => ['cover', 'coverpkg', 'covermode'].includes(f.name) && f.value !== 'false');
  let cmdlineFlagMark = false;
  for (const key of [...marks.keys()].sort()) {
    const target = targets.get(key) ?? { importPath: key, dir: '', standard: false, cmdline: false };
    const p = packages.get(key) ?? [...packages.values()].find((x) => markKeyOf(x) === key);
    const asFile = filesCanMark && target.cmdline && !target.standard && p?.Module?.Main === true && target.dir !== '' && (p?.CgoFiles?.length ?? 0) === 0;
    if (asFile) {
      overlay[join(target.dir, `weft_mark_${mark}.go`)] = `package ${p!.Name}\n`;
      if (packages.has(`${key}_test [${key}.test]`)) overlay[join(target.dir, `weft_mark_${mark}_test.go`)] = `package ${p!.Name}_test\n`;
    }
    // A marked test main has no file of its own to carry a mark: it follows its package's -gcflags.
    if (!asFile || testMainsMarked.has(key)) {
      gcflags.push(`-gcflags=${key}=${joinGoflags([...flagsForPackage(values, target), `${MARK_FLAG}${mark}`])}`);
      if (target.cmdline) cmdlineFlagMark = true;
    }
  }
  if (gcflags.length > 0 && userValues.length === 0 && !cmdlineFlagMark) gcflags.push('-gcflags=');
  const flags = [...gcflags];
  if (Object.keys(overlay).length > 0) flags.push(`-overlay=${writeOverlay(opts.disposers ?? ctx.disposers, userOverlay, overlay)}`);
  return { flags, overlayKeys: Object.keys(overlay).length };
}

/** Writes the overlay file (the user's -overlay merged in) into a directory removed with the plan's owner. */
export function writeOverlay(disposers: (() => Promise<void> | void)[], user: Readonly<Record<string, string>>, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-overlay-'));
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

/**
 * The user's -overlay (command line, else GOFLAGS), paths made absolute as go resolves them
 * (against the go command's directory): the plan must read what the compile will read.
 */
function readUserOverlay(opts: PlanOptions, cmd: ReturnType<typeof parseGoCommand>): Record<string, string> {
  const replace: Record<string, string> = {};
  const user = lastFlag([...parseGoflags(opts.env['GOFLAGS']), ...cmd.flags], 'overlay');
  if (typeof user !== 'string' || user === '') return replace;
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
 * The weaver's input for a listed package, as the compile of it will present it (null: nothing
 * to weave): a file the user's overlay replaces is read from its replacement, as go does.
 */
export function weaveInputOfListed(ctx: Pick<BuildContext, 'goVersion' | 'moduleRoot'>, p: ListedPackage, overlay: Readonly<Record<string, string>>): WeavePackageInput | null {
  const names = [...(p.GoFiles ?? []), ...(p.CgoFiles ?? [])];
  if (names.length === 0 || p.Dir === undefined) return null;
  const base = baseImportPath(p.ImportPath);
  const testMain = isTestMain(p);
  const goVersion = p.Module?.GoVersion;
  return {
    importPath: p.Name === 'main' ? 'main' : base,
    toolexecImportPath: p.ImportPath,
    files: names.map((f) => (isAbsolute(f) ? f : join(p.Dir!, f))).map((f) => overlay[f] ?? f).filter((f) => f !== ''),
    importcfgPackages: importcfgPackagesOf(p),
    lang: p.Standard === true || goVersion === undefined ? '' : `go${goVersion}`,
    goVersion: ctx.goVersion,
    moduleRoot: ctx.moduleRoot,
    isTestMain: testMain,
  };
}

/**
 * What the compile's importcfg will name: the imports, plus runtime, which go gives every main
 * package (the weave cache key includes this list: a plan that guessed differently weaves twice).
 */
function importcfgPackagesOf(p: ListedPackage): string[] {
  const out = new Set((p.Imports ?? []).map(baseImportPath));
  out.delete('unsafe');
  out.delete('C');
  if (p.Name === 'main') out.add('runtime');
  return [...out];
}

/** `m/a [m/a.test]` → `m/a`. */
export function baseImportPath(path: string): string {
  const i = path.indexOf(' [');
  return i < 0 ? path : path.slice(0, i);
}

/** The generated main of a test binary: `m/a.test`, importing variants built for it. */
export function isTestMain(p: ListedPackage): boolean {
  const base = baseImportPath(p.ImportPath);
  return p.Name === 'main' && base.endsWith('.test') && (p.Imports ?? []).some((i) => i.endsWith(` [${base}]`));
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
 * The files of unmarked packages as the plan read them. After the build, a file whose size or
 * modification time changed, or whose time is too close to the plan to trust (a write in the
 * same clock tick as the read: git's "racy" case), is compared by content; a package with a
 * changed file is planned again, and if it would now be woven the build is reported stale.
 */
export class PlanSnapshot {
  readonly startedMs = Date.now();
  private readonly files = new Map<string, { pkg: string; size: number; mtimeMs: number; sha?: string }>();
  private readonly byPackage = new Map<string, string[]>();

  record(pkg: string, paths: readonly string[]): void {
    this.byPackage.set(pkg, [...paths]);
    for (const path of paths) {
      try {
        const st = statSync(path);
        const entry: { pkg: string; size: number; mtimeMs: number; sha?: string } = { pkg, size: st.size, mtimeMs: st.mtimeMs };
        if (isRacy(st.mtimeMs, this.startedMs)) entry.sha = sha256File(path);
        this.files.set(path, entry);
      } catch {
        // An unreadable file fails the compile itself; nothing to compare later.
      }
    }
  }

  /** Packages with a file that changed since the plan read it. */
  changedPackages(): string[] {
    const out = new Set<string>();
    for (const [path, was] of this.files) {
      if (out.has(was.pkg)) continue;
      try {
        const st = statSync(path);
        if (st.size !== was.size || st.mtimeMs !== was.mtimeMs) out.add(was.pkg);
        else if (was.sha !== undefined && sha256File(path) !== was.sha) out.add(was.pkg);
      } catch {
        out.add(was.pkg);
      }
    }
    return [...out];
  }

  filesOf(pkg: string): readonly string[] {
    return this.byPackage.get(pkg) ?? [];
  }

  get size(): number {
    return this.files.size;
  }
}

/** File times have at best the file system's granularity; within 2 s of the read, the time cannot vouch for the content. */
function isRacy(mtimeMs: number, readMs: number): boolean {
  return mtimeMs >= readMs - 2000;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
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
  return decide(ctx, p, input, pickEnv(env, ['GOOS', 'GOARCH', 'GOFLAGS']), counts);
}
