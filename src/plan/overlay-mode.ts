// Overlay builds: when go itself can be handed the plan's woven files through `-overlay`, the
// build runs with no -toolexec at all. go hashes overlaid content into the keys of the packages
// it replaces, so untouched packages keep plain go's keys without any mark, woven ones get keys
// from their woven content, and no shim process or job server runs.
//
// go must be able to do on its own what the toolexec path patches in, so a plan qualifies only
// when (checked with go 1.26):
// - every package the plan decided on is woven now (nothing waits for types, cgo's generated
//   files or an undecided candidate: those are decided while compiling);
// - every woven file lies outside GOMODCACHE (go refuses to replace files there: "must not be
//   replaced"); GOROOT, the main module, workspace modules, local `replace` directories and
//   vendor/ are fine;
// - each file is woven the same in every variant of its package (one overlay entry serves the
//   package and its test variant); a generated test main has no file to overlay;
// - the imports woven code adds are in the build's package graph and importable from where they
//   are added (no `internal` of another tree, no module package from std, no cycle), and the
//   link-time packages (go:linkname targets) are importable from each main package, which gets
//   a generated file of blank imports (a test binary: an external _test.go file of the package
//   under test, as go generates the test main itself);
// - woven code needs no newer -lang than its module's, and adds no files of its own;
// - no tool reads the woven files behind the overlay's back: go's cover tool reads a covered
//   package's files from disk, and `go vet` would check woven source instead of the user's.
// Otherwise the planned toolexec path runs, and the reason says which package and why.
import { join } from 'node:path';
import { depsOf, type ListedPackage } from '../resolve/go-list.js';
import type { WeavePackageResult } from '../weave/api.js';
import type { BuildContext } from '../weaving/build-context.js';
import { baseImportPath, isTestMain } from '../weaving/weave-input.js';
import { freezePlan, writeOverlay, type BuildPlan, type MarkReason } from './plan.js';
import { inModuleCache } from '../weaving/module-root.js';

export interface OverlayFacts {
  /** The go subcommand (`build`, `test`, `vet`…). */
  subcommand: string;
  /** Coverage is on, from whichever source (GoCommand.cover): go's cover tool reads files from disk. */
  cover: boolean;
  /** GOMODCACHE ('' when unknown: then only GOROOT and main-module packages qualify). */
  modCache: string;
}

/** What overlay mode would hand go: file path → its content (woven files and link files). */
export type OverlayVerdict =
  | { ok: true; files: Map<string, string>; woven: number; linkFiles: number }
  | { ok: false; reason: string };

const DEFERRED: Record<Exclude<MarkReason, 'woven' | 'dependent'>, string> = {
  types: 'its join points need type information',
  cgo: 'it is a cgo package',
  undecided: 'it has candidates weft cannot decide before compiling',
  error: 'weaving it failed (the compile reports why)',
};

/** Decides whether the plan can be carried by an overlay; a pure function of the plan and the facts. */
export function decideOverlay(plan: Pick<BuildPlan, 'packages' | 'verdicts' | 'userOverlay' | 'mark'>, facts: OverlayFacts): OverlayVerdict {
  const no = (reason: string): OverlayVerdict => ({ ok: false, reason });
  const woven = new Map<string, WeavePackageResult>();
  // In code-unit order: the first localeCompare of a process costs ~13 ms (the collator's start).
  for (const [id, d] of [...plan.verdicts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (d.reason === 'woven') {
      if (d.result === undefined) return no(`the plan kept no weave of ${id}`);
      woven.set(id, d.result);
    } else if (d.reason !== 'dependent') return no(`${id} is decided at compile time: ${DEFERRED[d.reason]}`);
  }
  const files = new Map<string, string>();
  if (woven.size === 0) return { ok: true, files, woven: 0, linkFiles: 0 };

  const byPath = new Map<string, ListedPackage>();
  for (const p of plan.packages.values()) if (!byPath.has(p.ImportPath)) byPath.set(p.ImportPath, p);
  const coverOn = facts.cover;
  const vetting = facts.subcommand === 'vet';

  for (const [id, r] of woven) {
    const p = plan.packages.get(id)!;
    const dir = p.Dir ?? '';
    if (isTestMain(p)) return no(`the test main ${id} is woven, and go generates it: there is no source file to overlay`);
    if (inModuleCache(dir, facts.modCache)) return no(`${id} is woven and lives in the module cache (${dir}), whose files go -overlay must not replace`);
    if (p.Standard !== true && p.Module === undefined) return no(`${id} is woven and belongs to no module weft can locate`);
    if (r.lang !== '') return no(`woven code in ${id} needs -lang=${r.lang}, newer than its module's`);
    if (r.extraFiles.length > 0) return no(`weaving ${id} adds files of its own`);
    if (vetting && p.DepOnly !== true) return no(`go vet would check the woven source of ${id} instead of the user's`);
    if (coverOn && p.Standard !== true) return no(`go's cover tool reads the files of ${id} from disk, not through -overlay`);
    const self = baseImportPath(id);
    for (const q of r.addedImports) {
      const target = byPath.get(q);
      if (target === undefined) return no(`woven code in ${id} imports ${q}, which is not in the build's package graph`);
      const why = whyNotImportable(self, p.Standard === true, target);
      if (why !== null) return no(`woven code in ${id} imports ${q}, ${why}`);
      if (q === self || depsOf(byPath, q).includes(self)) return no(`woven code in ${id} imports ${q}, which imports ${self}: an import cycle`);
    }
    for (const f of r.files) {
      const original = originalPathOf(p, f.original, plan.userOverlay);
      // The weaver read the user's replacement: its //line directives must name the file go reports.
      const text = original === f.original ? f.text : f.text.split(`line ${f.original}:`).join(`line ${original}:`);
      const before = files.get(original);
      if (before !== undefined && before !== text) return no(`${original} is woven differently in two variants of ${self}`);
      files.set(original, text);
    }
  }
  // One overlay entry replaces the file in every package that lists it.
  for (const p of plan.packages.values()) {
    if (woven.has(p.ImportPath) || p.Dir === undefined) continue;
    for (const f of p.GoFiles ?? []) {
      const path = join(p.Dir, f);
      if (files.has(path)) return no(`${path} is woven in one variant of ${baseImportPath(p.ImportPath)} but not in ${p.ImportPath}`);
    }
  }

  let linkFiles = 0;
  if (!vetting) {
    for (const root of plan.packages.values()) {
      const testMain = isTestMain(root);
      if (root.Name !== 'main' || (root.DepOnly === true && !testMain)) continue;
      const need = linkImportsOf(root, woven, byPath);
      if (typeof need === 'string') return no(need);
      if (need.length === 0) continue;
      // The blank imports' home: the main package itself, or for a test binary an external
      // test file of the package under test (go writes the test main; the xtest cannot cycle).
      const home = testMain ? byPath.get(baseImportPath(root.ImportPath).slice(0, -'.test'.length)) : root;
      if (home === undefined || home.Dir === undefined || home.Name === undefined) return no(`no directory to add ${root.ImportPath}'s link-time packages to`);
      if (home.ImportPath === 'command-line-arguments') return no(`${root.ImportPath} is built from files named on the command line, so weft cannot add a file of link-time packages (${need.join(', ')}) to it`);
      if (inModuleCache(home.Dir, facts.modCache)) return no(`${root.ImportPath} lives in the module cache (${home.Dir}): weft cannot add its link-time packages (${need.join(', ')}) there`);
      if (coverOn && !testMain) return no(`go's cover tool reads ${root.ImportPath}'s files from disk, so it cannot be given a file of link-time packages (${need.join(', ')})`);
      for (const q of need) {
        const why = whyNotImportable(home.ImportPath, home.Standard === true, byPath.get(q)!);
        if (why !== null) return no(`the link-time package ${q} must be imported by ${root.ImportPath}, but ${why}`);
      }
      const name = testMain ? `weft_links_${plan.mark}_test.go` : `weft_links_${plan.mark}.go`;
      files.set(join(home.Dir, name), linkFileSource(testMain ? `${home.Name}_test` : home.Name, need));
      linkFiles++;
    }
  }
  return { ok: true, files, woven: woven.size, linkFiles };
}

/**
 * The link-time packages (go:linkname targets) the woven packages linked into `root` need and
 * the graph would not contain; a string says why they cannot be had. Packages that woven code
 * imports are in the graph (go follows the import); what they bring may be woven too.
 */
function linkImportsOf(root: ListedPackage, woven: ReadonlyMap<string, WeavePackageResult>, byPath: ReadonlyMap<string, ListedPackage>): string[] | string {
  const start = [root.ImportPath, ...depsOf(byPath, root.ImportPath)];
  const present = new Set(start.map(baseImportPath));
  const links = new Set<string>();
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const r = woven.get(id);
    if (r === undefined) continue;
    for (const q of [...r.addedImports, ...r.linkDeps]) {
      const listed = byPath.get(q);
      if (listed === undefined) return `the link-time package ${q} (woven into ${id}) is not in the build's package graph`;
      const deps = depsOf(byPath, q);
      if (r.addedImports.includes(q)) for (const d of [q, ...deps]) present.add(d);
      else links.add(q);
      queue.push(q, ...deps);
    }
  }
  return [...links].filter((q) => !present.has(q)).sort();
}

/**
 * Why `target` cannot be imported from the package `importer` (null: it can): go's rule for
 * `internal` directories (the last internal element's parent must contain the importer), std's
 * packages importing only std, and main packages importing nothing of the sort.
 */
export function whyNotImportable(importer: string, importerStd: boolean, target: ListedPackage): string | null {
  const q = target.ImportPath;
  if (target.Name === 'main') return `${q} is a main package`;
  if (importerStd && target.Standard !== true) return `a standard-library package cannot import the module package ${q}`;
  const parent = internalParent(q);
  if (parent === null) return null;
  if (parent === '' ? target.Standard === true && importerStd : importer === parent || importer.startsWith(`${parent}/`)) return null;
  return `${q} is internal to ${parent === '' ? 'the standard library' : parent}`;
}

/** The directory an `internal` package is internal to ('' for std's top-level internal/), or null when it is not internal. */
function internalParent(path: string): string | null {
  if (path === 'internal' || path.startsWith('internal/')) return '';
  const i = path.lastIndexOf('/internal/');
  if (i >= 0) return path.slice(0, i);
  if (path.endsWith('/internal')) return path.slice(0, -'/internal'.length);
  return null;
}

/** The path go knows a woven file by: the weaver read the user's replacement when there is one. */
function originalPathOf(p: ListedPackage, read: string, userOverlay: Readonly<Record<string, string>>): string {
  for (const f of [...(p.GoFiles ?? []), ...(p.CgoFiles ?? [])]) {
    const path = join(p.Dir ?? '', f);
    if (path === read || userOverlay[path] === read) return path;
  }
  return read;
}

/** The generated file that links and initialises a main package's link-time packages. */
export function linkFileSource(pkgName: string, pkgs: readonly string[]): string {
  return `// Code generated by weft. DO NOT EDIT.\n// Packages woven code needs at link time (go:linkname targets).\n\npackage ${pkgName}\n\nimport (\n${pkgs.map((p) => `\t_ ${JSON.stringify(p)}\n`).join('')})\n`;
}

/**
 * The plan with its woven packages' files added to its snapshot (a new plan: a kept one is
 * shared), stamped as the plan read them: go compiles what the overlay holds, not a file edited
 * while it builds, or while the plan was made, so such an edit must fail the build as a stale
 * plan does.
 */
export function withWovenSnapshot(plan: BuildPlan): BuildPlan {
  const woven: [string, string[]][] = [];
  for (const [id, d] of plan.verdicts) {
    const p = plan.packages.get(id);
    if (d.reason !== 'woven' || p?.Dir === undefined) continue;
    woven.push([id, (p.GoFiles ?? []).map((f) => join(p.Dir!, f)).map((f) => plan.userOverlay[f] ?? f).filter((f) => f !== '')]);
  }
  return freezePlan({ ...plan, snapshot: plan.snapshot.with(woven, plan.stamps) });
}

/** Writes the overlay (the user's merged in) into a directory removed with the build; the flag for go ('' when nothing is overlaid). */
export function writeOverlayBuild(ctx: BuildContext, plan: Pick<BuildPlan, 'userOverlay'>, files: ReadonlyMap<string, string>): string[] {
  if (files.size === 0) return [];
  return [`-overlay=${writeOverlay(ctx.disposers, plan.userOverlay, Object.fromEntries(files))}`];
}
