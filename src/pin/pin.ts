// `weft pin` and `weft unpin`. Pin edits go.mod and go.sum through a copy (`-modfile`): go get
// (with `-tool` where the module's go line allows the tool directive) and go mod tidy run on the
// copy, the result is compared with the user's go.mod, and only when nothing existing changes —
// or the user accepted the changes — are the tool file, go.mod and go.sum written. The module
// must be tidy first: unpin's undo is "go.mod back to its bytes, then go mod tidy", which gives
// back the original go.sum only if tidy had produced it.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { WeftError } from '../errors.js';
import { applyHunks, undoHunks } from './line-diff.js';
import { goVersionAtLeast, mustRunGo, readModFile, runGo, type GoRunner, type ModFile } from './go.js';
import { PACK_DIR, type PackSource } from './pack.js';
import {
  addImports, importsOf, joinToolFile, newToolFileBase, removeImports, splitToolFile, type PinRecord, type ToolFileText,
} from './tool-file.js';

/** orchestrion's file name: weft and orchestrion read the same tool file. */
export const TOOL_FILE = 'orchestrion.tool.go';
/** A bundle whose module graph holds orchestrion gets orchestrion's import too, as orchestrion's pin writes it. */
const ORCHESTRION = 'github.com/DataDog/orchestrion';
/** The first go line with the `tool` directive. */
const TOOL_DIRECTIVE_GO = '1.24';

export interface PinOptions {
  /** Import paths with an optional `@version`; empty: weft's pack. */
  readonly bundles: readonly string[];
  readonly acceptUpgrades: boolean;
  /** Where the command runs (inside the module to edit). */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly go: string;
  /** Finds the pack when `bundles` is empty. */
  readonly pack: () => PackSource;
  readonly out: (line: string) => void;
}

export type UnpinOptions = Omit<PinOptions, 'acceptUpgrades'>;

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Writes beside and renames, so an interrupted pin never leaves half a go.mod. */
function writeFileAtomically(file: string, text: string): void {
  const tmp = `${file}.weft-pin-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function moduleRootOf(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'go.mod'))) return dir;
    if (dirname(dir) === dir) throw new WeftError('E_PIN', `no go.mod in ${cwd} or above: weft pin edits a Go module`, { hint: 'run it in the module to instrument (go mod init first for a new one)' });
  }
}

function splitVersion(arg: string): { path: string; version: string | null } {
  const at = arg.lastIndexOf('@');
  return at > 0 ? { path: arg.slice(0, at), version: arg.slice(at + 1) } : { path: arg, version: null };
}

/** The required module providing `pkg` (longest module path prefix), if any. */
function requiredModuleOf(mod: ModFile, pkg: string): { Path: string; Version: string } | null {
  let best: { Path: string; Version: string } | null = null;
  for (const r of mod.Require ?? []) {
    if ((pkg === r.Path || pkg.startsWith(`${r.Path}/`)) && (best === null || r.Path.length > best.Path.length)) best = r;
  }
  return best;
}

interface Module {
  root: string;
  runner: GoRunner;
  toolFile: string;
}

function openModule(cwd: string, env: NodeJS.ProcessEnv, go: string): Module {
  const root = moduleRootOf(cwd);
  if (existsSync(join(root, 'vendor', 'modules.txt'))) {
    throw new WeftError('E_PIN', `${root} vendors its dependencies: weft pin would leave vendor/ inconsistent with go.mod`, {
      hint: 'pin without vendoring (remove vendor/, pin, then `go mod vendor` yourself), or edit go.mod and the tool file by hand',
    });
  }
  return { root, runner: { go, dir: root, env }, toolFile: join(root, TOOL_FILE) };
}

/** Refuses a module `go mod tidy` would change: pin's record could not restore it exactly. */
async function checkTidy(m: Module, what: string): Promise<void> {
  const r = await runGo(m.runner, ['mod', 'tidy', '-diff']);
  if (r.code === 0) return;
  if (r.stdout.trim() !== '') {
    throw new WeftError('E_PIN', `${join(m.root, 'go.mod')} is not tidy: \`go mod tidy\` would change it, so ${what} could not be undone exactly`, {
      details: r.stdout.trim().split('\n').slice(0, 20),
      hint: 'run `go mod tidy` (and commit), then run the command again',
    });
  }
  throw new WeftError('E_PIN', `\`go mod tidy -diff\` failed in ${m.root}`, { details: r.stderr.trim().split('\n').slice(0, 20), hint: 'fix what go reports, then run the command again; nothing was changed' });
}

interface ModChanges {
  added: { path: string; version: string }[];
  upgraded: { path: string; from: string; to: string }[];
  removed: string[];
  goLine: { from: string; to: string } | null;
  toolchain: { from: string | null; to: string | null } | null;
  tools: string[];
  replaces: string[];
}

function compareMods(before: ModFile, after: ModFile): ModChanges {
  const was = new Map((before.Require ?? []).map((r) => [r.Path, r.Version]));
  const now = new Map((after.Require ?? []).map((r) => [r.Path, r.Version]));
  const added: ModChanges['added'] = [];
  const upgraded: ModChanges['upgraded'] = [];
  for (const [path, version] of now) {
    const old = was.get(path);
    if (old === undefined) added.push({ path, version });
    else if (old !== version) upgraded.push({ path, from: old, to: version });
  }
  const removed = [...was.keys()].filter((p) => !now.has(p));
  const tools0 = new Set((before.Tool ?? []).map((t) => t.Path));
  const repl0 = new Set((before.Replace ?? []).map((r) => r.Old.Path));
  return {
    added, upgraded, removed,
    goLine: (before.Go ?? '') !== (after.Go ?? '') ? { from: before.Go ?? '', to: after.Go ?? '' } : null,
    toolchain: (before.Toolchain ?? null) !== (after.Toolchain ?? null) ? { from: before.Toolchain ?? null, to: after.Toolchain ?? null } : null,
    tools: (after.Tool ?? []).map((t) => t.Path).filter((p) => !tools0.has(p)),
    replaces: (after.Replace ?? []).map((r) => r.Old.Path).filter((p) => !repl0.has(p)),
  };
}

/** The changes to what the user already had, one line each (empty: pin only adds). */
function describeUpgrades(c: ModChanges, exempt: string | null): string[] {
  const lines: string[] = [];
  if (c.goLine !== null) lines.push(`go line: go ${c.goLine.from} → go ${c.goLine.to}`);
  if (c.toolchain !== null) lines.push(`toolchain line: ${c.toolchain.from ?? '(none)'} → ${c.toolchain.to ?? '(none)'}`);
  for (const u of c.upgraded) if (u.path !== exempt) lines.push(`require ${u.path}: ${u.from} → ${u.to}`);
  for (const r of c.removed) lines.push(`require ${r}: removed`);
  return lines;
}

const UNPUBLISHED = 'v0.0.0-00010101000000-000000000000';

/** Pins each bundle in turn (or the pack); each pin is one record in the tool file. */
export async function pinBundles(opts: PinOptions): Promise<number> {
  const m = openModule(opts.cwd, opts.env, opts.go);
  const targets = opts.bundles.length > 0 ? opts.bundles.map((b) => ({ arg: b, pack: null as PackSource | null })) : [{ arg: '', pack: opts.pack() }];
  await checkTidy(m, 'weft pin');
  for (const t of targets) await pinOne(m, t.arg, t.pack, opts);
  return 0;
}

async function pinOne(m: Module, arg: string, pack: PackSource | null, opts: PinOptions): Promise<void> {
  // The pack's version is the one go gives a replaced module that nothing publishes: asked for
  // without one, go get would look the path up on GOPROXY (and fail where the proxy refuses
  // rather than answering not found, or find a published module of that path).
  const { path: bundle, version } = pack !== null ? { path: pack.bundle, version: UNPUBLISHED } : splitVersion(arg);
  const gomodFile = join(m.root, 'go.mod');
  const gosumFile = join(m.root, 'go.sum');
  const toolBefore = readOrNull(m.toolFile);
  const tool: ToolFileText = toolBefore !== null ? splitToolFile(toolBefore, m.toolFile) : { base: '', records: [] };
  if (tool.records.some((r) => r.bundle === bundle) || (toolBefore !== null && importsOf(tool.base, m.toolFile).includes(bundle))) {
    opts.out(`${bundle} is already pinned in ${m.toolFile}; nothing to do`);
    return;
  }
  const gomodBefore = readFileSync(gomodFile, 'utf8');
  const gosumBefore = readOrNull(gosumFile);
  const before = await readModFile(m.runner, gomodFile);
  const work = mkdtempSync(join(tmpdir(), 'weft-pin-'));
  const created: string[] = [];
  let committed = false;
  try {
    const tmpMod = join(work, 'go.mod');
    writeFileSync(tmpMod, gomodBefore);
    if (gosumBefore !== null) writeFileSync(join(work, 'go.sum'), gosumBefore);
    if (pack !== null) {
      const dest = join(m.root, PACK_DIR);
      if (existsSync(dest)) throw new WeftError('E_PIN', `${dest} already exists and no weft pin record names it`, { hint: `remove ${PACK_DIR} (or restore the tool file's records) and run weft pin again` });
      if (!existsSync(join(m.root, dirname(PACK_DIR)))) created.push(dirname(PACK_DIR));
      created.push(PACK_DIR);
      cpSync(pack.dir, dest, { recursive: true });
      await mustRunGo(m.runner, ['mod', 'edit', `-replace=${pack.modulePath}=./${PACK_DIR}`, tmpMod], 'cannot add the pack\'s replace');
    }
    // The tool file first: go mod tidy keeps what it imports.
    const baseBefore = tool.base;
    let base = addImports(baseBefore === '' ? newToolFileBase() : baseBefore, [bundle], m.toolFile);
    writeFileSync(m.toolFile, joinToolFile({ base, records: tool.records }));
    const current = requiredModuleOf(before, bundle);
    const query = version !== null ? `${bundle}@${version}` : current !== null ? `${bundle}@${current.Version}` : bundle;
    const useTool = goVersionAtLeast(before.Go ?? '0', TOOL_DIRECTIVE_GO);
    await mustRunGo(m.runner, ['get', `-modfile=${tmpMod}`, ...(useTool ? ['-tool'] : []), query], `cannot add ${query} to go.mod`);
    // orchestrion's own bundles bring orchestrion; its pin imports it beside the bundle.
    const got = await readModFile(m.runner, tmpMod);
    if ((got.Require ?? []).some((r) => r.Path === ORCHESTRION) && !importsOf(base, m.toolFile).includes(ORCHESTRION)) {
      base = addImports(base, [ORCHESTRION], m.toolFile);
      writeFileSync(m.toolFile, joinToolFile({ base, records: tool.records }));
    }
    await mustRunGo(m.runner, ['mod', 'tidy', `-modfile=${tmpMod}`], 'go mod tidy after adding the bundle failed');
    const after = await readModFile(m.runner, tmpMod);
    const changes = compareMods(before, after);
    const upgrades = describeUpgrades(changes, pack === null && version !== null ? requiredModuleOf(after, bundle)?.Path ?? null : null);
    if (upgrades.length > 0 && !opts.acceptUpgrades) {
      throw new WeftError('E_PIN', `pinning ${arg || 'the OpenTelemetry pack'} would change what ${gomodFile} already has; nothing was changed`, {
        details: upgrades,
        hint: 'run again with --accept-upgrades to accept these changes (weft unpin restores them)',
      });
    }
    const gomodAfter = readFileSync(tmpMod, 'utf8');
    const gosumAfter = readOrNull(join(work, 'go.sum'));
    const added = importsOf(base, m.toolFile).filter((p) => !(baseBefore === '' ? [] : importsOf(baseBefore, m.toolFile)).includes(p));
    const record: PinRecord = {
      bundle, pack: pack !== null, imports: added, createdToolFile: toolBefore === null,
      toolFileAfter: sha(base), goModAfter: sha(gomodAfter),
      toolFileUndo: undoHunks(baseBefore, base), goModUndo: undoHunks(gomodBefore, gomodAfter),
      goSumAbsent: gosumBefore === null,
      added: changes.added, upgraded: changes.upgraded, goLine: changes.goLine, toolchain: changes.toolchain,
      tools: changes.tools, replaces: changes.replaces, created,
    };
    writeFileAtomically(m.toolFile, joinToolFile({ base, records: [...tool.records, record] }));
    writeFileAtomically(gomodFile, gomodAfter);
    if (gosumAfter !== null) writeFileAtomically(gosumFile, gosumAfter);
    committed = true;
    opts.out(`pinned ${pack !== null ? `the OpenTelemetry pack (${bundle}, copied to ${PACK_DIR})` : query}: ${m.toolFile} imports ${added.join(', ')}`);
    for (const a of changes.added) opts.out(`  go.mod: require ${a.path} ${a.version}`);
    for (const t of changes.tools) opts.out(`  go.mod: tool ${t}`);
    for (const r of changes.replaces) opts.out(`  go.mod: replace ${r} => ./${PACK_DIR}`);
    for (const u of upgrades) opts.out(`  go.mod: ${u} (accepted)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!committed) {
      if (toolBefore === null) rmSync(m.toolFile, { force: true });
      else writeFileSync(m.toolFile, toolBefore);
      for (const d of [...created].reverse()) rmSync(join(m.root, d), { recursive: true, force: true });
    }
  }
}

/** Unpins each bundle (or the pack) that a `weft pin` record names. */
export async function unpinBundles(opts: UnpinOptions): Promise<number> {
  const m = openModule(opts.cwd, opts.env, opts.go);
  const text = readOrNull(m.toolFile);
  if (text === null) throw new WeftError('E_PIN', `no ${TOOL_FILE} in ${m.root}: nothing was pinned here`, { hint: 'run weft unpin in the module where weft pin ran' });
  const records = splitToolFile(text, m.toolFile).records;
  const wanted = opts.bundles.length > 0
    ? opts.bundles.map((b) => splitVersion(b).path).map((b) => ({ name: b, record: records.find((r) => r.bundle === b) }))
    : [{ name: 'the OpenTelemetry pack', record: records.find((r) => r.pack) }];
  const missing = wanted.filter((w) => w.record === undefined).map((w) => w.name);
  if (missing.length > 0) {
    const pinned = records.map((r) => (r.pack ? `the pack (${r.bundle})` : r.bundle));
    throw new WeftError('E_PIN', `${missing.join(', ')} ${missing.length === 1 ? 'was' : 'were'} not pinned by weft pin in ${m.root}`, {
      hint: pinned.length > 0 ? `weft pin recorded: ${pinned.join(', ')}` : `${m.toolFile} holds no weft pin record; remove imports and requirements by hand`,
    });
  }
  // The latest pin first: its undo hunks apply to the files as they are.
  const order = wanted.map((w) => w.record!).sort((a, b) => records.indexOf(b) - records.indexOf(a));
  for (const r of order) await unpinOne(m, r, opts);
  return 0;
}

async function unpinOne(m: Module, record: PinRecord, opts: UnpinOptions): Promise<void> {
  const gomodFile = join(m.root, 'go.mod');
  const gosumFile = join(m.root, 'go.sum');
  const tool = splitToolFile(readFileSync(m.toolFile, 'utf8'), m.toolFile);
  const rest = tool.records.filter((r) => r !== record && r.bundle !== record.bundle);
  const last = tool.records[tool.records.length - 1]?.bundle === record.bundle;
  const gomod = readFileSync(gomodFile, 'utf8');
  const exactMod = last && sha(gomod) === record.goModAfter;
  const exactTool = last && sha(tool.base) === record.toolFileAfter;
  const base = exactTool ? applyHunks(tool.base, record.toolFileUndo) : removeImports(tool.base, record.imports);
  if (rest.length === 0 && record.createdToolFile && (exactTool || importsOf(base, m.toolFile).length === 0)) rmSync(m.toolFile, { force: true });
  else writeFileAtomically(m.toolFile, joinToolFile({ base, records: rest }));
  if (exactMod) writeFileAtomically(gomodFile, applyHunks(gomod, record.goModUndo));
  else {
    // go.mod changed since pin: undo by meaning (its layout may differ from before the pin).
    const edits = [
      ...record.added.map((a) => `-droprequire=${a.path}`),
      ...record.upgraded.map((u) => `-require=${u.path}@${u.from}`),
      ...record.tools.map((t) => `-droptool=${t}`),
      ...record.replaces.map((r) => `-dropreplace=${r}`),
      ...(record.goLine !== null ? [`-go=${record.goLine.from}`] : []),
      ...(record.toolchain !== null ? [`-toolchain=${record.toolchain.from ?? 'none'}`] : []),
    ];
    if (edits.length > 0) await mustRunGo(m.runner, ['mod', 'edit', ...edits], 'cannot undo the pin\'s go.mod edits', 'the tool file is already restored; undo the listed go.mod edits by hand');
    opts.out(`note: ${gomodFile} changed after weft pin; its requirements were undone one by one, so its layout may differ from before the pin`);
  }
  for (const d of [...record.created].reverse()) {
    const p = join(m.root, d);
    if (d === record.created[0] && record.created.length > 1) {
      // The parent (.weft) only when pin created it and nothing else lives there now.
      if (existsSync(p) && readdirSync(p).length === 0) rmdirSync(p);
    } else rmSync(p, { recursive: true, force: true });
  }
  // go.sum: exactly what tidy gives for the restored go.mod, which was tidy before the pin.
  await mustRunGo(m.runner, ['mod', 'tidy'], 'go mod tidy after unpinning failed', 'go.mod and the tool file are already restored; fix what go reports and run `go mod tidy` to settle go.sum');
  if (record.goSumAbsent && (readOrNull(gosumFile) ?? '') === '') rmSync(gosumFile, { force: true });
  opts.out(`unpinned ${record.pack ? `the OpenTelemetry pack (${record.bundle})` : record.bundle}${exactMod && exactTool ? ': go.mod and the tool file are as before the pin' : ''}`);
}
