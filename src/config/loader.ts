// Reads an orchestrion-schema aspect file and everything it `extends`, validates every field,
// and builds the ResolvedConfig. The document shape follows orchestrion's loader and schema:
// a mapping with `meta: {name, description[, icon, caveats]}` (required), `extends: [relative
// files]` and `aspects: [{id, join-point, advice[, tracer-internal]}]`; at least one of aspects /
// extends. A bare list of aspects is rejected (orchestrion rejects it too). Aspects of extended
// files come before the including file's own, in `extends` order, as in orchestrion; a file
// reached twice is loaded once, and a file reached again while it is being loaded is a cycle.
// otelc rule files (dialects/otelc.ts) are recognised by name or shape, also through extends.
//
// Go packages as configuration (orchestrion's discovery): a package directory contributes its
// `orchestrion.tool.go` imports, each loaded as a package depth first, then its
// `orchestrion.yml`. The main module's directory is such a package. Import paths become
// directories through a PackageLocator the caller provides (`go list` lives in src/resolve);
// `github.com/DataDog/orchestrion` itself stands for the built-in aspects (aspects/).
import { readdir, readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { WeftError } from '../errors.js';
import type { AdviceSpec, ConfigSource, LocatedPackage, PackageLocator, ResolvedAspect, ResolvedConfig, SourceLocation, TemplateSpec } from './types.js';
import { applySwitches, type SwitchEntry, type SwitchList, type SwitchLists } from './integrations.js';
import type { Problem } from './problems.js';
import { problemsError } from './problems.js';
import type { ParseContext } from './yaml-access.js';
import {
  checkKeys, childPath, isSequenceNode, locationOf, readBoolean, readMapping, readSequence, readString, report,
} from './yaml-access.js';
import { parseAdviceNode, parseJoinPointNode } from './registry.js';
import { collectInjectedPackages, fingerprintAspects } from './fingerprint.js';
import { completeAddFile, isOtelcFileName, looksLikeOtelc, parseOtelcRules, type AddFileRequest } from './dialects/otelc.js';
import { checkImportPath } from './go-syntax.js';
import { OTELC_TOOL_FILE_NAMES } from './find-config.js';
import { parseToolFile, type ToolFileImport } from './tool-file.js';

const TOP_KEYS = ['meta', 'extends', 'aspects'];
/** Only the user's configuration file (weft.yml, --config) may switch integrations. */
const ROOT_KEYS = [...TOP_KEYS, 'integrations'];
const SWITCH_KEYS: readonly SwitchList[] = ['enable', 'disable'];
const META_KEYS = ['name', 'description', 'icon', 'caveats'];
const ASPECT_KEYS = ['id', 'join-point', 'advice', 'tracer-internal'];

/** orchestrion's file names in a package directory. */
export const TOOL_FILE_NAME = 'orchestrion.tool.go';
export const PACKAGE_CONFIG_NAME = 'orchestrion.yml';

/** The package whose import stands for orchestrion's built-in aspects. */
export const ORCHESTRION_PACKAGE = 'github.com/DataDog/orchestrion';
/** The versions weft's discovery and schema are tested with (README, error hints). */
export const TESTED_VERSIONS = 'orchestrion v1.8.0 and dd-trace-go v2.6.0';
/** orchestrion's built-in aspects, shipped as an aspect file (dist/src/config → package root). */
export const BUILTIN_ASPECTS_FILE = fileURLToPath(new URL('../../../aspects/orchestrion-builtin.yml', import.meta.url));

interface LoadState {
  readonly problems: Problem[];
  readonly files: string[];
  /** Files fully loaded or being loaded: each is read once. */
  readonly seen: Set<string>;
  readonly sources: ConfigSource[];
  readonly locate: PackageLocator | null;
  /** Set while loading a pinned package's files: problems found there say how it was reached. */
  via: string | null;
  depth: number;
  /** Files of pinned packages: their aspect ids may repeat across packages, as orchestrion allows. */
  readonly pinned: Set<string>;
  /** Paths looked for and not found: creating one would change the configuration. */
  readonly absent: Set<string>;
  /** The user's configuration file, the only one whose `integrations` switches count. */
  readonly rootFile: string | null;
  /** The Go package being loaded (aspects of its files belong to that integration), or null. */
  pkg: string | null;
  /** Each aspect's integration: a package's import path, else its file. */
  readonly origin: Map<ResolvedAspect, string>;
  switches: SwitchLists | null;
}

function osReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e && typeof e.message === 'string' ? e.message : String(err);
}

async function readText(file: string, from: SourceLocation | null): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const where = from ? ` (extended from ${from.file}:${from.line}, ${from.path})` : '';
    throw new WeftError('E_CONFIG_READ', `cannot read config file ${file}${where}: ${osReason(err)}`, {
      hint: from ? 'extends paths are relative to the file that lists them' : 'check the path given to --config or the weft.yml beside go.mod',
      ...(from ? { location: { file: from.file, line: from.line } } : { location: { file } }),
      cause: err,
    });
  }
}

function makeContext(file: string, state: LoadState, text: string): ParseContext | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const ctx: ParseContext = {
    file,
    doc,
    lineCounter,
    problems: state.problems,
    parseJoinPoint: (node, path) => parseJoinPointNode(ctx, node, path),
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = lineCounter.linePos(e.pos[0]).line;
      const msg = e.code === 'DUPLICATE_KEY' ? `${e.message}; remove or rename the repeated key` : e.message;
      state.problems.push({ file, line, path: '', message: `YAML syntax: ${msg}` });
    }
    return null;
  }
  return ctx;
}

function readMeta(ctx: ParseContext, node: unknown): void {
  const view = readMapping(ctx, node, 'meta', 'a mapping with `name` and `description`');
  if (!view) return;
  checkKeys(ctx, view, 'meta', META_KEYS, ['name', 'description']);
  for (const key of META_KEYS) {
    const e = view.entries.get(key);
    if (e) readString(ctx, e.value, childPath('meta', key));
  }
}

function readAdviceList(ctx: ParseContext, node: unknown, path: string): AdviceSpec[] | null {
  // One advice or a list of them (orchestrion accepts both).
  const items = isSequenceNode(ctx, node) ? readSequence(ctx, node, path) : [node];
  if (items === null) return null;
  if (items.length === 0) {
    report(ctx, node, path, '`advice` needs at least one entry');
    return null;
  }
  const out: AdviceSpec[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const p = isSequenceNode(ctx, node) ? childPath(path, i) : path;
    const a = parseAdviceNode(ctx, item, p);
    if (a === null) ok = false;
    else out.push(a);
  });
  return ok ? out : null;
}

function readAspect(ctx: ParseContext, node: unknown, path: string): ResolvedAspect | null {
  const view = readMapping(ctx, node, path, 'an aspect (a mapping with `id`, `join-point` and `advice`)');
  if (!view) return null;
  let ok = checkKeys(ctx, view, path, ASPECT_KEYS, ['id', 'join-point', 'advice']);
  const i = view.entries.get('id');
  const id = i ? readString(ctx, i.value, childPath(path, 'id'), { what: 'a non-empty aspect id' }) : null;
  const jp = view.entries.get('join-point');
  const joinPoint = jp ? parseJoinPointNode(ctx, jp.value, childPath(path, 'join-point')) : null;
  const adv = view.entries.get('advice');
  const advice = adv ? readAdviceList(ctx, adv.value, childPath(path, 'advice')) : null;
  // Whether the aspect may weave into the tracer's own packages (tracer-internal.ts).
  const ti = view.entries.get('tracer-internal');
  const tracerInternal = ti ? readBoolean(ctx, ti.value, childPath(path, 'tracer-internal')) : false;
  if (tracerInternal === null) ok = false;
  if (!ok || id === null || joinPoint === null || advice === null) return null;
  return { id, joinPoint, advice, location: locationOf(ctx, node, path), ...(tracerInternal === true ? { tracerInternal: true as const } : {}) };
}

function noteVia(state: LoadState, from: number): void {
  if (state.via === null) return;
  for (let i = from; i < state.problems.length; i++) {
    const p = state.problems[i]!;
    if (p.via === undefined) state.problems[i] = { ...p, via: state.via };
  }
}

/** A YAML file: its `extends` first, then its own aspects. `via` says how it was reached (explain). */
async function loadFile(file: string, stack: readonly string[], from: SourceLocation | null, state: LoadState, via: string, importPath: string | null = null): Promise<ResolvedAspect[]> {
  state.seen.add(file);
  state.files.push(file);
  if (state.via !== null) state.pinned.add(file);
  const source: ConfigSource = { file, kind: file === BUILTIN_ASPECTS_FILE ? 'built-in' : 'yaml', via, importPath, depth: state.depth, aspects: 0 };
  state.sources.push(source);
  const firstProblem = state.problems.length;
  try {
    return await readAspectFile(file, stack, from, state, source);
  } finally {
    // Problems here (and in the files it extends) say which pinned package they came with.
    noteVia(state, firstProblem);
  }
}

async function readAspectFile(file: string, stack: readonly string[], from: SourceLocation | null, state: LoadState, source: ConfigSource): Promise<ResolvedAspect[]> {
  const text = await readText(file, from);
  const ctx = makeContext(file, state, text);
  if (!ctx) return [];
  const root = ctx.doc.contents;
  if (root === null || root === undefined) {
    report(ctx, root, '', 'the file is empty; an aspect file is a mapping with `meta`, and `aspects` and/or `extends`');
    return [];
  }
  if (isSequenceNode(ctx, root)) {
    report(ctx, root, '', 'the document is a list; put the aspects under an `aspects:` key, next to `meta: {name, description}`');
    return [];
  }
  const top = readMapping(ctx, root, '', 'a mapping with `meta`, and `aspects` and/or `extends`');
  if (!top) return [];
  const integration = state.pkg ?? file;
  if (isOtelcFileName(file) || looksLikeOtelc(ctx, top)) {
    const rules = parseOtelcRules(ctx, top);
    await completeAddFiles(file, rules.addFiles, state);
    source.aspects = rules.aspects.length;
    for (const r of rules.aspects) state.origin.set(r, integration);
    return rules.aspects;
  }
  const isRoot = file === state.rootFile;
  const switches = top.entries.get('integrations');
  const switchesOnly = isRoot && switches !== undefined && !top.entries.has('aspects') && !top.entries.has('extends');
  // A weft.yml that only switches integrations of pinned bundles needs no meta.
  checkKeys(ctx, top, '', ROOT_KEYS, switchesOnly ? [] : ['meta']);
  if (switches !== undefined && !isRoot) report(ctx, switches.key, 'integrations', `\`integrations\` switches are read from the configuration file only (${state.rootFile ?? 'weft.yml'}); move them there`);
  if (!top.entries.has('aspects') && !top.entries.has('extends') && !switchesOnly) {
    report(ctx, root, '', 'the file has neither `aspects` nor `extends`; add at least one of them');
  }
  if (switches !== undefined && isRoot) state.switches = readSwitches(ctx, switches.value);
  const meta = top.entries.get('meta');
  if (meta) readMeta(ctx, meta.value);

  const out: ResolvedAspect[] = [];
  const ext = top.entries.get('extends');
  if (ext) {
    const items = readSequence(ctx, ext.value, 'extends', 'a list of relative file paths');
    if (items !== null && items.length === 0) report(ctx, ext.value, 'extends', '`extends` is empty; remove it or list files');
    for (const [i, item] of (items ?? []).entries()) {
      const p = childPath('extends', i);
      const rel = readString(ctx, item, p, { what: 'a relative path to a YAML file or package directory, or an import path' });
      if (rel === null) continue;
      const here = locationOf(ctx, item, p);
      const reportHere = (message: string): void => report(ctx, item, p, message);
      if (isAbsolute(rel)) {
        reportHere(`\`${rel}\` is absolute; extends paths are relative to this file (e.g. \`./more.yml\`) so the configuration can move`);
        continue;
      }
      const target = resolve(dirname(file), rel);
      const open = [...stack, file];
      const cycleStart = open.indexOf(target);
      if (cycleStart >= 0) {
        const chain = [...open.slice(cycleStart), target];
        reportHere(`extends cycle: ${chain.join(' → ')}; remove one of these extends`);
        continue;
      }
      if (state.seen.has(target)) continue; // already loaded through another extends
      const kind = await pathKind(target);
      const depth = state.depth;
      state.depth = depth + 1;
      try {
        if (kind === 'dir') {
          // orchestrion loads a directory as a Go package: its orchestrion.tool.go and orchestrion.yml.
          out.push(...(await loadPackageDir(target, null, here, state, `extends ${rel} at ${file}:${here.line}`, reportHere)));
        } else if (kind === 'none' && looksLikeImportPath(rel)) {
          state.absent.add(target);
          // weft's extension: a Go package by import path, resolved like a tool file's imports.
          out.push(...(await loadImports([{ path: rel, line: here.line }], file, here, state, 'extends', () => reportHere)));
        } else {
          out.push(...(await loadFile(target, [...stack, file], here, state, `extends at ${file}:${here.line}`)));
        }
      } finally {
        state.depth = depth;
      }
    }
  }

  const fromExtends = out.length;
  const asp = top.entries.get('aspects');
  if (asp) {
    const items = readSequence(ctx, asp.value, 'aspects', 'a list of aspects');
    if (items !== null && items.length === 0) report(ctx, asp.value, 'aspects', '`aspects` is empty; add an aspect or remove the key');
    for (const [i, item] of (items ?? []).entries()) {
      const a = readAspect(ctx, item, childPath('aspects', i));
      if (a) {
        out.push(a);
        state.origin.set(a, integration);
      }
    }
    source.aspects = out.length - fromExtends;
  }
  return out;
}

/** The main module holding `dir` (nearest go.mod above it): its path and root, or null. */
async function moduleOf(dir: string): Promise<{ path: string; root: string } | null> {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const text = await readFile(join(d, 'go.mod'), 'utf8').catch(() => null);
    if (text !== null) {
      const m = /^\s*module\s+"?([^\s"]+)"?/m.exec(text);
      return m ? { path: m[1]!, root: d } : null;
    }
    if (dirname(d) === d) return null;
  }
}

/**
 * Reads the files otelc's add_file rules name. A package of the rule file's own module is found
 * beside it (so `weft weave` and diff need no go list); any other through the locator (go.mod).
 */
async function completeAddFiles(ruleFile: string, requests: readonly AddFileRequest[], state: LoadState): Promise<void> {
  if (requests.length === 0) return;
  const mod = await moduleOf(dirname(ruleFile));
  const dirs = new Map<string, { dir: string | null; error: string | null }>();
  const elsewhere: string[] = [];
  for (const r of requests) {
    if (mod !== null && (r.path === mod.path || r.path.startsWith(`${mod.path}/`))) dirs.set(r.path, { dir: join(mod.root, r.path.slice(mod.path.length)), error: null });
    else elsewhere.push(r.path);
  }
  if (elsewhere.length > 0) {
    if (state.locate === null) for (const p of elsewhere) dirs.set(p, { dir: null, error: 'packages outside the rule file\'s module are resolved with go list, inside a module: use these rules through `weft go`' });
    else for (const [p, located] of await state.locate([...new Set(elsewhere)])) dirs.set(p, { dir: located.dir, error: located.error });
  }
  for (const r of requests) {
    const where = dirs.get(r.path);
    const file = where?.dir != null ? join(where.dir, r.file) : null;
    const text = file !== null ? await readFile(file, 'utf8').catch((e: Error) => (where!.error ??= e.message, null)) : null;
    if (file !== null && text !== null) state.files.push(file);
    completeAddFile(r, file ?? r.file, text, where?.error ?? 'go list did not report the package; add it to go.mod with `go get`');
  }
}

async function pathKind(p: string): Promise<'file' | 'dir' | 'none'> {
  try {
    return (await stat(p)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'none';
  }
}

/** `github.com/org/repo/pkg`: no `./` prefix, no YAML suffix, a domain-like first element, a valid import path. */
function looksLikeImportPath(s: string): boolean {
  if (s.startsWith('.') || /\.ya?ml$/i.test(s)) return false;
  const first = s.split('/')[0] ?? '';
  return first.includes('.') && checkImportPath(s) === null;
}

async function fileExists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * A Go package directory as configuration: the imports of its orchestrion.tool.go (each a package,
 * depth first), then its orchestrion.yml. `reportMissing` is called when the directory holds
 * neither (only for directories the user named; a pinned package without configuration is
 * silently empty, as in orchestrion).
 */
async function loadPackageDir(
  dir: string,
  importPath: string | null,
  from: SourceLocation | null,
  state: LoadState,
  via: string,
  reportMissing: ((message: string) => void) | null,
): Promise<ResolvedAspect[]> {
  const toolFile = join(dir, TOOL_FILE_NAME);
  const ymlFile = join(dir, PACKAGE_CONFIG_NAME);
  const otelcTools = OTELC_TOOL_FILE_NAMES.map((n) => join(dir, n));
  const [hasTool, hasYml, ...hasOtelcTool] = await Promise.all([fileExists(toolFile), fileExists(ymlFile), ...otelcTools.map(fileExists)]);
  // An otelc instrumentation package carries its rules as *.otelc.yml files (the main module's own are named by --config or extends).
  const rules = importPath !== null ? await otelcRuleFiles(dir) : [];
  if (!hasTool) state.absent.add(toolFile);
  if (!hasYml) state.absent.add(ymlFile);
  otelcTools.forEach((f, i) => (hasOtelcTool[i] ? undefined : state.absent.add(f)));
  if (!hasTool && !hasYml && !hasOtelcTool.some(Boolean) && rules.length === 0) {
    reportMissing?.(`${dir} holds neither ${TOOL_FILE_NAME} nor ${PACKAGE_CONFIG_NAME}; name a YAML file or a package directory with configuration`);
    return [];
  }
  const out: ResolvedAspect[] = [];
  const previousVia = state.via;
  const previousPkg = state.pkg;
  if (importPath !== null) {
    state.via = via;
    state.pkg = importPath;
  }
  try {
    if (hasTool && !state.seen.has(toolFile)) out.push(...(await loadToolFile(toolFile, importPath, state, via)));
    if (hasYml && !state.seen.has(ymlFile)) out.push(...(await loadFile(ymlFile, [], from, state, via, importPath)));
    for (const [i, f] of otelcTools.entries()) if (hasOtelcTool[i] === true && !state.seen.has(f)) out.push(...(await loadToolFile(f, importPath, state, via)));
    for (const f of rules) if (!state.seen.has(f)) out.push(...(await loadFile(f, [], from, state, via, importPath)));
  } finally {
    state.via = previousVia;
    state.pkg = previousPkg;
  }
  return out;
}

/** The `*.otelc.yml` / `*.otelc.yaml` files of a package directory, sorted. */
async function otelcRuleFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => isOtelcFileName(n)).sort().map((n) => join(dir, n));
}

async function loadToolFile(file: string, importPath: string | null, state: LoadState, via: string): Promise<ResolvedAspect[]> {
  state.seen.add(file);
  state.files.push(file);
  const source: ConfigSource = { file, kind: 'tool-file', via, importPath, depth: state.depth, aspects: 0 };
  state.sources.push(source);
  const text = await readText(file, null);
  const parsed = parseToolFile(text);
  if (!parsed.ok) {
    state.problems.push({
      file, line: parsed.line, path: '',
      message: `the file does not parse as Go: ${parsed.message}; fix it (\`go vet -tags tools ${file}\` shows Go's own message)`,
      ...(state.via !== null ? { via: state.via } : {}),
    });
    return [];
  }
  const reportImport = (imp: ToolFileImport) => (message: string): void => {
    state.problems.push({ file, line: imp.line, path: `import "${imp.path}"`, message, ...(state.via !== null ? { via: state.via } : {}) });
  };
  const depth = state.depth;
  state.depth = depth + 1;
  try {
    return await loadImports(parsed.imports, file, null, state, 'import', reportImport);
  } finally {
    state.depth = depth;
  }
}

/**
 * Loads the packages `imports` name (a tool file's imports or an import-path extends), in order.
 * `problemOf` reports a problem at the place that names the import.
 */
async function loadImports(
  imports: readonly ToolFileImport[],
  file: string,
  from: SourceLocation | null,
  state: LoadState,
  how: 'import' | 'extends',
  problemOf: (imp: ToolFileImport) => (message: string) => void,
): Promise<ResolvedAspect[]> {
  const wanted = imports.filter((imp) => imp.path !== ORCHESTRION_PACKAGE).map((imp) => imp.path);
  let located: ReadonlyMap<string, LocatedPackage> = new Map();
  if (wanted.length > 0) {
    if (state.locate === null) {
      for (const imp of imports) {
        if (imp.path !== ORCHESTRION_PACKAGE) problemOf(imp)(`cannot resolve the Go package "${imp.path}" here: packages are resolved with go list inside a module; use this configuration through \`weft go\``);
      }
      return [];
    }
    located = await state.locate(wanted);
  }
  const out: ResolvedAspect[] = [];
  for (const imp of imports) {
    const via = how === 'import' ? `package ${imp.path}, imported at ${file}:${imp.line}` : `package ${imp.path}, extended at ${file}:${imp.line}`;
    if (imp.path === ORCHESTRION_PACKAGE) {
      if (state.seen.has(BUILTIN_ASPECTS_FILE)) continue;
      const previousVia = state.via;
      const previousPkg = state.pkg;
      state.via = via;
      state.pkg = ORCHESTRION_PACKAGE;
      try {
        out.push(...(await loadFile(BUILTIN_ASPECTS_FILE, [], from, state, via, ORCHESTRION_PACKAGE)));
      } finally {
        state.via = previousVia;
        state.pkg = previousPkg;
      }
      continue;
    }
    const pkg = located.get(imp.path);
    if (pkg === undefined || pkg.dir === null || pkg.error !== null) {
      const why = pkg?.error ?? 'go list did not report it';
      problemOf(imp)(`cannot resolve the Go package "${imp.path}": ${firstLine(why)}; add it to the main module with \`go get ${imp.path}\` (then \`go mod tidy\`), or fix the ${how === 'import' ? 'import' : 'extends entry'}`);
      continue;
    }
    out.push(...(await loadPackageDir(pkg.dir, imp.path, from, state, via, null)));
  }
  return out;
}

function firstLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^go get /.test(l) && l !== 'to add it:');
  return (lines[0] ?? s).replace(/; to add it:$/, '').replace(/:$/, '');
}

/** The user's own aspect ids must be unique (stats and errors name aspects by id); pinned packages reuse ids freely. */
function checkDuplicateIds(aspects: readonly ResolvedAspect[], problems: Problem[], pinned: ReadonlySet<string>): void {
  const first = new Map<string, SourceLocation>();
  for (const a of aspects) {
    if (pinned.has(a.location.file)) continue;
    const prev = first.get(a.id);
    if (prev) {
      problems.push({
        file: a.location.file,
        line: a.location.line,
        path: `${a.location.path}.id`,
        message: `duplicate aspect id \`${a.id}\`, first defined at ${prev.file}:${prev.line}; aspect ids must be unique across all loaded files`,
      });
    } else first.set(a.id, a.location);
  }
}

export interface LoadOptions {
  /**
   * Checks one advice template's text (src/config does not know template syntax: the caller
   * passes the parser the weaver will use). Returns null when it parses, else what is wrong;
   * reported with the other problems, so a broken template is found before any build starts.
   */
  checkTemplate?: (spec: TemplateSpec, aspect: string) => string | null;
}

/** Every code template of an advice, in declaration order. */
export function templatesOf(advice: AdviceSpec): TemplateSpec[] {
  switch (advice.kind) {
    case 'prepend-statements':
    case 'wrap-expression':
    case 'inject-declarations':
    case 'assign-value':
      return [advice.template];
    case 'append-args':
      return [...advice.values];
    default:
      return [];
  }
}

function checkTemplates(aspects: readonly ResolvedAspect[], check: NonNullable<LoadOptions['checkTemplate']>, problems: Problem[]): void {
  for (const a of aspects) {
    for (const adv of a.advice) {
      for (const t of templatesOf(adv)) {
        const bad = check(t, a.id);
        if (bad !== null) problems.push({ file: t.location.file, line: t.location.line, path: t.location.path, message: `aspect \`${a.id}\`: ${bad}` });
      }
    }
  }
}

export interface LoadConfigSetOptions {
  /** The user's aspect file (`--config`, `WEFT_CONFIG` or weft.yml), or null. */
  file: string | null;
  /** How `file` was found, for `weft explain --config` (`--config`, `weft.yml`, ...). */
  fileVia?: string;
  /** The main module's directory: its orchestrion.tool.go / orchestrion.yml are loaded after `file`. Null: not read. */
  moduleRoot: string | null;
  /** Resolves import paths to directories; without one, configuration naming Go packages is an error. */
  locate?: PackageLocator | null;
  /** See LoadOptions.checkTemplate. */
  checkTemplate?: LoadOptions['checkTemplate'];
}

/**
 * Loads the user's file (if any) and then the main module's orchestrion configuration (if asked),
 * as one configuration. Throws E_CONFIG_READ or E_CONFIG_INVALID, never a partial load.
 */
export async function loadConfigSet(opts: LoadConfigSetOptions): Promise<ResolvedConfig> {
  const root = opts.file !== null ? resolve(opts.file) : null;
  const state: LoadState = {
    problems: [], files: [], seen: new Set(), sources: [], locate: opts.locate ?? null, via: null, depth: 0, pinned: new Set(), absent: new Set(),
    rootFile: root, pkg: null, origin: new Map(), switches: null,
  };
  const loaded: ResolvedAspect[] = [];
  if (root !== null) loaded.push(...(await loadFile(root, [], null, state, opts.fileVia ?? 'configuration file')));
  if (opts.moduleRoot !== null) {
    const dir = resolve(opts.moduleRoot);
    loaded.push(...(await loadPackageDir(dir, null, null, state, 'main module', null)));
  }
  checkDuplicateIds(loaded, state.problems, state.pinned);
  if (opts.checkTemplate !== undefined) checkTemplates(loaded, opts.checkTemplate, state.problems);
  const base = root !== null ? dirname(root) : resolve(opts.moduleRoot ?? '.');
  const sourced = loaded.map((aspect) => {
    const origin = state.origin.get(aspect) ?? aspect.location.file;
    return { aspect, integration: isAbsolute(origin) ? integrationFileName(base, origin) : origin };
  });
  const switched = applySwitches(sourced, state.switches ?? { enable: null, disable: [] }, state.problems);
  if (state.problems.length > 0) {
    const pinned = state.problems.some((p) => p.via !== undefined);
    throw problemsError(root ?? join(resolve(opts.moduleRoot ?? '.'), TOOL_FILE_NAME), state.problems, pinned
      ? `fix the configuration; a pinned package's files come from the module cache: pin versions weft is tested with (${TESTED_VERSIONS}) with \`go get\``
      : undefined);
  }
  return {
    files: state.files,
    sources: state.sources,
    absent: [...state.absent].sort(),
    aspects: switched.aspects,
    integrations: switched.integrations,
    injectedPackages: collectInjectedPackages(switched.aspects),
    fingerprint: fingerprintAspects(switched.aspects),
  };
}

/** A YAML file as an integration: its path relative to the configuration's directory when under it. */
function integrationFileName(base: string, file: string): string {
  const rel = relative(base, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

/** `integrations: {enable: [names], disable: [names]}` of the user's configuration file. */
function readSwitches(ctx: ParseContext, node: unknown): SwitchLists | null {
  const view = readMapping(ctx, node, 'integrations', 'a mapping with `disable` and/or `enable` (lists of integration names or aspect ids)');
  if (!view) return null;
  if (!checkKeys(ctx, view, 'integrations', SWITCH_KEYS)) return null;
  const lists: { enable: SwitchEntry[] | null; disable: SwitchEntry[] } = { enable: null, disable: [] };
  for (const list of SWITCH_KEYS) {
    const e = view.entries.get(list);
    if (e === undefined) continue;
    const path = childPath('integrations', list);
    const items = readSequence(ctx, e.value, path, 'a list of integration names or aspect ids');
    if (items === null) continue;
    if (items.length === 0) {
      report(ctx, e.value, path, list === 'enable' ? '`enable` is empty, which would switch everything off; list what to keep, or remove the key' : '`disable` is empty; list what to switch off, or remove the key');
      continue;
    }
    const entries: SwitchEntry[] = [];
    items.forEach((item, i) => {
      const p = childPath(path, i);
      const name = readString(ctx, item, p, { what: 'an integration name (e.g. `contrib/net/http`) or an aspect id' });
      if (name !== null) entries.push({ name: name.trim(), list, file: ctx.file, line: locationOf(ctx, item, p).line, path: p });
    });
    if (list === 'enable') lists.enable = entries;
    else lists.disable = entries;
  }
  if (view.entries.size === 0) report(ctx, node, 'integrations', '`integrations` is empty; give it `disable: [names]` and/or `enable: [names]`, or remove it');
  return lists;
}

/** Loads and validates `file` and everything it extends. Throws E_CONFIG_READ or E_CONFIG_INVALID. */
export async function loadConfigFile(file: string, locate: PackageLocator | null = null, opts: LoadOptions = {}): Promise<ResolvedConfig> {
  return loadConfigSet({ file, moduleRoot: null, locate, ...opts });
}
