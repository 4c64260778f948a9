// Weaving one package: decide package-level join points from the compile alone, scan every file
// once for the needles of the remaining aspects, parse only the files that may match, weave them.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ResolvedAspect, ResolvedConfig } from '../config/types.js';
import { WeftError } from '../errors.js';
import { emptyWeaveStats, type WeavePackageInput, type WeavePackageResult } from './api.js';
import type { PackageInfo } from './join-points/index.js';
import { collectNeedles, evaluateFormula, necessaryNeedles } from './needles.js';
import { defaultPrefilter, type Prefilter } from './prefilter.js';
import { loadGoParser } from './syntax.js';
import { compareLang } from './templates.js';
import { TypeQuestions } from './type-facts.js';
import { planAspects, weaveFile, type AspectPlan, type PackageState } from './weave-file.js';

export interface WeaveDeps {
  /** The byte pre-filter (default: WASM scanner, indexOf fallback). */
  prefilter?: Prefilter;
  /** Reads a source file (default: fs, synchronously: weaving runs in a worker thread or a CLI). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

const decoder = new TextDecoder('utf-8');

/** The import path aspects see: for `-p main`, the package's real path from TOOLEXEC_IMPORTPATH. */
export function matchingImportPath(input: WeavePackageInput): string {
  const tip = input.toolexecImportPath.replace(/ \[.*\]$/, '');
  if (input.importPath === 'main' && tip !== '' && !tip.endsWith('.test')) return tip;
  return input.importPath;
}

function packageClauseName(text: string): string {
  // Skip comments before the clause; a `package` word inside one would otherwise be taken.
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
  const m = /^\s*package\s+([\p{L}_][\p{L}\p{Nd}_]*)/mu.exec(stripped);
  return m ? m[1]! : '';
}

export function emptyResult(): WeavePackageResult {
  return { files: [], extraFiles: [], addedImports: [], linkDeps: [], lang: '', aspects: [], stats: emptyWeaveStats() };
}

/** True when a package-name join point needs the package clause, which only the first file tells. */
export function usesPackageName(config: ResolvedConfig): boolean {
  let known = packageNameUse.get(config);
  if (known === undefined) {
    known = JSON.stringify(config.aspects.map((a) => a.joinPoint)).includes('"package-name"');
    packageNameUse.set(config, known);
  }
  return known;
}

const packageNameUse = new WeakMap<ResolvedConfig, boolean>();

export function packageInfo(input: WeavePackageInput, firstText: string | null, modulePath: string): PackageInfo {
  return {
    imports: input.importcfgPackages.length > 0 ? new Set(input.importcfgPackages) : null,
    importPath: matchingImportPath(input),
    packageName: firstText !== null ? packageClauseName(firstText) : input.importPath === 'main' ? 'main' : '',
    isTestMain: input.isTestMain,
    moduleRoot: input.moduleRoot,
    toolexecImportPath: input.toolexecImportPath,
    modulePath,
    moduleVersion: moduleVersionOf(input.files[0] ?? ''),
  };
}

/** The version in a module cache directory (`…/pkg/mod/example.com/lib@v1.2.3/sub/f.go` → v1.2.3), or ''. */
export function moduleVersionOf(file: string): string {
  let version = '';
  for (const m of file.replace(/\\/g, '/').matchAll(/@(v[0-9][^/]*)\//g)) version = m[1]!;
  return version;
}

/**
 * The aspects that can apply to this package after the package-level filter, in declaration
 * order: what a cache key must cover (an aspect filtered out here cannot change the result).
 * `firstText` is the first file's text (needed only when some aspect uses `package-name`).
 */
export function applicableAspects(input: WeavePackageInput, config: ResolvedConfig, modulePath: string, firstText: string | null): ResolvedAspect[] {
  return planAspects(config.aspects, packageInfo(input, firstText, modulePath)).map((p) => p.aspect);
}

/** What screenPackage decided: `none` comes with the (empty) result to answer. */
export type Screening = { verdict: 'none'; result: WeavePackageResult } | { verdict: 'candidate' | 'undecided' };

/** The package-level half of a screening when it leaves files to scan: the plans left and their needles. */
export interface ScanNeeded {
  verdict: 'scan';
  plans: AspectPlan[];
  /** Every needle of the plans' formulas, in the order a scan answers them. */
  needles: string[];
}

/** One file's pre-filter answer: its size and whether it holds needle i of ScanNeeded.needles. */
export interface FileAnswer {
  size: number;
  has(needle: number): boolean;
}

export interface ScreenOptions {
  prefilter?: Prefilter;
  /**
   * Filled with the bytes screened, by file index: a caller that keys and weaves the package
   * uses exactly the bytes the screening passed (files after the deciding one are not read).
   */
  sources?: Uint8Array[];
  /** Stop reading and answer `undecided` once this many bytes were scanned (default 1 MiB). */
  byteBudget?: number;
}

/**
 * weavePackage's package-level plan and byte pre-filter, synchronous and without a parser, for
 * the server's thread: most packages of a build hold no needle of any aspect, and answering them
 * here costs a few syscalls and microseconds of WASM scan where a pool task costs two thread
 * hand-offs (milliseconds while compiles keep both cores busy). `candidate` and `undecided`
 * (over the byte budget, or a file that cannot be read) mean: weave it in a worker, which
 * decides again from scratch. `modulePath` is mainModulePath(input.moduleRoot).
 */
export function screenPackage(input: WeavePackageInput, config: ResolvedConfig, modulePath: string, opts: ScreenOptions = {}): Screening {
  const step = prepareScreening(input, config, modulePath, opts.sources);
  if (step.verdict !== 'scan') return step;
  return decideScreening(input, step, scanHere(opts.prefilter ?? defaultPrefilter(), step.needles, opts.sources), opts.byteBudget);
}

/** decideScreening's scans done on this thread, by `prefilter` (keeping the bytes in `sources`, when given). */
export function scanHere(prefilter: Prefilter, needles: readonly string[], sources?: Uint8Array[]): (path: string, index: number) => FileAnswer {
  return (path, index) => {
    if (sources?.[index] !== undefined) {
      const present = prefilter.scan(sources[index]!, needles);
      return { size: sources[index]!.length, has: (i) => present[i] === true };
    }
    const scan = prefilter.scanFile(path, needles, sources !== undefined);
    if (sources !== undefined && scan.bytes !== undefined) sources[index] = scan.bytes;
    return { size: scan.size, has: (i) => scan.present[i] === true };
  };
}

/**
 * The first half of screenPackage, which reads no file but the first one's head (and that only
 * for package-name join points): the verdict when the package-level plan decides alone, else
 * what the files must be scanned for. A planned build runs this on its own thread and the scans
 * in the pool; screenPackage runs both here.
 */
export function prepareScreening(input: WeavePackageInput, config: ResolvedConfig, modulePath: string, sources?: Uint8Array[]): Screening | ScanNeeded {
  if (config.aspects.length === 0 || input.files.length === 0) return { verdict: 'none', result: emptyResult() };
  try {
    let firstText: string | null = null;
    if (usesPackageName(config)) {
      // The clause sits at the top of the file; a comment block longer than this only costs a worker trip.
      firstText = sources !== undefined ? decoder.decode((sources[0] ??= readFileSync(input.files[0]!))) : readHead(input.files[0]!, 64 * 1024);
      if (firstText === null) return { verdict: 'undecided' };
    }
    const plans = planAspects(config.aspects, packageInfo(input, firstText, modulePath));
    if (plans.length === 0) return { verdict: 'none', result: emptyResult() };
    if (plans.some((p) => p.fileOnly)) return { verdict: 'candidate' };
    return { verdict: 'scan', plans, needles: [...plans.reduce((set, p) => collectNeedles(p.formula, set), new Set<string>())] };
  } catch {
    return { verdict: 'undecided' };
  }
}

/**
 * What an edit to a file of this package must not add for the package's screening to stay
 * `none`: strings one of which any of its files needs for an aspect to possibly match there
 * (sorted; empty when no aspect applies to the package), or null when a file could match with
 * none of them (a file-level join point, a formula no string decides, a screening that cannot
 * decide). A replay record (src/plan/replay-record.ts) lets an edit without them through.
 */
export async function editScreen(input: WeavePackageInput, config: ResolvedConfig): Promise<string[] | null> {
  const step = prepareScreening(input, config, await mainModulePath(input.moduleRoot));
  if (step.verdict === 'none') return [];
  if (step.verdict !== 'scan') return null;
  const all = new Set<string>();
  for (const p of step.plans) {
    const s = necessaryNeedles(p.formula);
    if (s === null) return null;
    for (const n of s) all.add(n);
  }
  return [...all].sort();
}

/**
 * The second half: the files' pre-filter answers, asked for in order (`scan` may throw: an
 * unreadable file), decide the package. Files after the deciding one are not counted, whoever
 * scanned them, so the counts are the same wherever the scans ran.
 */
export function decideScreening(input: WeavePackageInput, step: ScanNeeded, scan: (path: string, index: number) => FileAnswer, byteBudget = 1 << 20): Screening {
  const result = emptyResult();
  const t0 = performance.now();
  const index = new Map(step.needles.map((n, i) => [n, i]));
  let bytes = 0;
  try {
    for (const [i, path] of input.files.entries()) {
      if (bytes > byteBudget) return { verdict: 'undecided' };
      const answer = scan(path, i);
      bytes += answer.size;
      result.stats.filesScanned++;
      const test = (n: string): boolean => answer.has(index.get(n) ?? -1);
      if (step.plans.some((p) => evaluateFormula(p.formula, test))) return { verdict: 'candidate' };
    }
  } catch {
    // An unreadable file is the worker's to report, with its usual error.
    return { verdict: 'undecided' };
  }
  result.stats.scanMicros = Math.round((performance.now() - t0) * 1000);
  return { verdict: 'none', result };
}

/** The first `max` bytes of a file as text, or null when it cannot be read. */
function readHead(path: string, max: number): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.allocUnsafe(max);
    const n = readSync(fd, buf, 0, max, 0);
    // A cut in the middle of a character decodes to U+FFFD, which cannot be part of a clause.
    return n === max ? null : decoder.decode(buf.subarray(0, n));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export async function weavePackage(input: WeavePackageInput, config: ResolvedConfig, deps: WeaveDeps = {}): Promise<WeavePackageResult> {
  const result = emptyResult();
  if (config.aspects.length === 0 || input.files.length === 0) return result;
  const read = deps.readFile ?? (input.sources !== undefined ? readSources(input.files, input.sources) : readFileNow);
  let firstText: string | null = null;
  if (usesPackageName(config)) {
    firstText = decoder.decode(await readBytes(read, input.files[0]!));
  }
  const pkg = packageInfo(input, firstText, await mainModulePath(input.moduleRoot));
  const plans = planAspects(config.aspects, pkg);
  if (plans.length === 0) return result;

  const t0 = performance.now();
  const prefilter = deps.prefilter ?? defaultPrefilter();
  const needleSet = new Set<string>();
  for (const p of plans) collectNeedles(p.formula, needleSet);
  const needles = [...needleSet];
  // Each candidate file with the plans its bytes leave possible.
  const candidates: { path: string; bytes: Uint8Array; plans: AspectPlan[] }[] = [];
  for (const [i, path] of input.files.entries()) {
    const bytes = await readBytes(read, path);
    result.stats.filesScanned++;
    const present = prefilter.scan(bytes, needles);
    const has = (n: string): boolean => present[needles.indexOf(n)] === true;
    const lookup = needles.length > 16 ? new Map(needles.map((n, j) => [n, present[j] === true])) : null;
    const test = lookup ? (n: string): boolean => lookup.get(n) === true : has;
    const possible = plans.filter((p) => (p.fileOnly ? i === 0 : evaluateFormula(p.formula, test, bytes)));
    if (possible.length > 0) candidates.push({ path, bytes, plans: possible });
  }
  const t1 = performance.now();
  result.stats.scanMicros = Math.round((t1 - t0) * 1000);
  if (candidates.length === 0) return result;

  const parser = await loadGoParser();
  const state: PackageState = {
    pkg,
    packageFile: input.files[0]!,
    injectedKeys: new Set(),
    addedImports: new Set(),
    links: new Set(),
    lang: input.lang,
    aspects: new Set(),
    warnings: [],
    ...(input.types !== undefined ? { oracle: new TypeQuestions(input.types) } : {}),
  };
  const known = new Set(input.importcfgPackages);
  for (const c of candidates) {
    result.stats.filesParsed++;
    const text = decoder.decode(c.bytes);
    let woven: ReturnType<typeof weaveFile>;
    try {
      woven = weaveFile(parser, c.path, text, c.plans, state);
    } catch (e) {
      // A pass that still waits for answers may fail for want of them (a template rendered
      // without a type): the pass with the answers decides, and fails again if the error is real.
      if ((state.oracle?.unanswered.size ?? 0) > 0) continue;
      throw e;
    }
    if (woven) {
      result.files.push({ original: c.path, text: woven.text });
      result.stats.filesWoven++;
      result.stats.nodesWoven += woven.nodes;
    }
  }
  if (state.oracle !== undefined && state.oracle.unanswered.size > 0) {
    const provisional = emptyResult();
    provisional.stats = result.stats;
    provisional.typeQuestions = [...state.oracle.unanswered.values()];
    return provisional;
  }
  const t2 = performance.now();
  // Parsing and weaving are interleaved per file; the split is not measured separately.
  result.stats.weaveMicros = Math.round((t2 - t1) * 1000);
  // unsafe (and cgo's C) are not packages with archives: never ask for them in an importcfg.
  const real = [...state.addedImports].filter((p) => p !== 'unsafe' && p !== 'C');
  result.addedImports = real.filter((p) => !known.has(p)).sort();
  result.linkDeps = [...new Set([...state.links, ...real])].sort();
  result.aspects = [...state.aspects].sort();
  if (state.warnings.length > 0) result.warnings = state.warnings;
  if (input.lang !== '' && state.lang !== input.lang && compareLang(state.lang, input.lang) > 0) result.lang = state.lang;
  return result;
}

const modulePaths = new Map<string, Promise<string>>();

/**
 * The `module` line of the main module's go.mod ('' when unknown), read once per thread and
 * go.mod version (its size and time: a daemon's threads outlive edits of go.mod). The promise is
 * what is kept: a plan screens thousands of packages at once, and each would otherwise start its
 * own read of the same go.mod before the first one finished.
 */
export function mainModulePath(root: string): Promise<string> {
  if (root === '') return Promise.resolve('');
  const file = `${root}/go.mod`;
  let version = '';
  try {
    const st = statSync(file);
    version = `${st.size}:${st.mtimeMs}`;
  } catch {
    return Promise.resolve('');
  }
  const key = `${root}\0${version}`;
  let path = modulePaths.get(key);
  if (path === undefined) {
    path = readFile(file, 'utf8').then(
      (text) => /^\s*module\s+"?([^\s"]+)"?/m.exec(text)?.[1] ?? '',
      () => '',
    );
    modulePaths.set(key, path);
  }
  return path;
}

// A promise-based read costs four trips through libuv's thread pool (open, stat, read, close),
// each waiting behind the other threads' file work; a worker thread may as well block.
async function readFileNow(path: string): Promise<Uint8Array> {
  return readFileSync(path);
}

/** Reads from the bytes the caller read (and hashed) already: a file is never read twice in one weave. */
function readSources(files: readonly string[], sources: readonly Uint8Array[]): (path: string) => Promise<Uint8Array> {
  return async (path) => {
    const bytes = sources[files.indexOf(path)];
    if (bytes === undefined) throw new Error('not among the bytes read for the weave');
    return bytes;
  };
}

async function readBytes(read: (p: string) => Promise<Uint8Array>, path: string): Promise<Uint8Array> {
  try {
    return await read(path);
  } catch (e) {
    throw new WeftError('E_WEAVE_FAILED', `cannot read ${path}: ${(e as Error).message}`, { location: { file: path }, cause: e });
  }
}
