// Replay records: a build's decision, kept so the Go front end (shim/replay.go) can run the same
// go command again without starting Node. Node's start and module loading alone cost about what
// a no-op build of a large module costs plain go; where no daemon runs (CI), a retried job or a
// second build of an unchanged checkout pays it for a decision it already made. So when an
// in-process build used a stored plan (plan-store.ts) that asks nothing of weft while go runs
// (an overlay build weaving nothing: no -toolexec, no job server, no overlay file), it writes a
// record beside the plan: the exact go command, and every input the decision depended on with
// its content hash (module files, each local Go file, the configuration, the toolchain) and the
// listing of every directory a new file could appear in. The front end replays it only when all
// of these are as recorded, except a local Go file whose edit keeps its header and adds none of
// the strings an aspect needs there (fileScreens); anything it cannot vouch for goes to Node,
// which decides again and writes a new record. Node owns the decision; the front end only
// verifies recorded inputs.
//
// The record is keyed by what the front end computes without Node (replayKey): weft's identity,
// the command line, the directory relative to the module root, the environment weft and go read
// (replayEnv) and the GOENV file's content. It is a weave cache entry (src/cache/store.ts: temp
// file and rename, length and checksum in its header, trimmed with the rest). Paths under the
// module root are kept relative to it, so a checkout restored at another path replays. The
// format is docs/replay-record.md; test/fixtures/replay/ holds one record both sides read.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { LocalStore } from '../cache/store.js';
import type { FileStamp } from '../file-stamp.js';
import type { BuildContext } from '../weaving/build-context.js';
import { weaveInputOfListed } from '../weaving/weave-input.js';
import type { BuildPlan } from './plan.js';
import type { PlanRecord } from './plan-record.js';

export const REPLAY_FORMAT = 'weft-replay 2';

/** Variables go or weft read that are not GO*, CGO_* or WEFT_*: a build that differs in one of them is not replayed. */
const REPLAY_ENV_NAMES: ReadonlySet<string> = new Set(['CC', 'CXX', 'FC', 'AR', 'PKG_CONFIG', 'GCCGO', 'CI', 'PATH', 'HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'TMPDIR']);

/**
 * The environment a replay key holds, sorted by name: what changes go's listing or weft's
 * decision. Not where go keeps its cache and temporary files, nor where weft writes its JSON
 * statistics, a benchmark its probes, or whether the front end says why it does not replay.
 */
export function replayEnv(env: NodeJS.ProcessEnv): [string, string][] {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .filter(([k]) => (/^(GO|CGO_|WEFT_)/.test(k) || REPLAY_ENV_NAMES.has(k)) && !/^(GOCACHE|GOTMPDIR|WEFT_STATS_JSON|WEFT_REPLAY_DEBUG|WEFT_BENCH_.*)$/.test(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface ReplayKeyInput {
  /** The identity bin/weft passes the front end (daemonIdentity). */
  identity: string;
  /** The working directory relative to the module root ("." at the root). */
  cwd: string;
  /** The command line after `weft go`. */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** The GOENV file's SHA-256, `none` when there is none, `off` for GOENV=off. */
  goenv: string;
}

/** The store key of a replay record: SHA-256 over length-prefixed fields (no separator a value could hold). */
export function replayKey(k: ReplayKeyInput): string {
  const h = createHash('sha256');
  const field = (s: string): void => {
    h.update(`${Buffer.byteLength(s)}:${s}\n`);
  };
  h.update('weft-replay-key 1\n');
  field(k.identity);
  field(k.cwd);
  field(String(k.args.length));
  for (const a of k.args) field(a);
  const env = replayEnv(k.env);
  field(String(env.length));
  for (const [n, v] of env) field(`${n}=${v}`);
  field(k.goenv);
  return `replay-${h.digest('hex')}`;
}

/** The key's GOENV field for the file go named (`go env GOENV`). */
export function goenvDigest(goenvFile: string): string {
  if (goenvFile === 'off') return 'off';
  if (goenvFile === '') return 'none';
  try {
    return createHash('sha256').update(readFileSync(goenvFile)).digest('hex');
  } catch {
    return 'none';
  }
}

export interface ReplayRecord {
  key: string;
  /** Absolute paths; made relative to the root where they lie under it. */
  cwd: string;
  go: string;
  args: readonly string[];
  /** What the build's go environment adds to (or changes in) the caller's. */
  set: readonly [string, string][];
  unset: readonly string[];
  /**
   * `header` and `screen` (a local Go file): the SHA-256 of its header (go-header.ts) and the
   * index in `screens` of the strings it must not contain; the front end lets an edit through
   * that keeps the one and adds none of the other (see fileScreens).
   */
  files: readonly { path: string; size: number; sha256: string; header?: string; screen?: number }[];
  /** Sets of strings (UTF-8), referred to by files' `screen`. */
  screens: readonly (readonly string[])[];
  absent: readonly string[];
  /** Directory → its entry names, sorted, joined by "/" (as PlanRecord.dirs). */
  dirs: readonly [string, string][];
  /** Files checked by size and time only (the go binary: too large to hash on every build). */
  stats: readonly { path: string; size: number; mtimeNs: bigint }[];
}

/** The record as text (docs/replay-record.md); null when it cannot be kept (a line break in a value, the root in an argument). */
export function encodeReplayRecord(r: ReplayRecord, root: string): string | null {
  const under = root + sep;
  const place = (p: string): string => (p === root ? 'r .' : p.startsWith(under) ? `r ${p.slice(under.length)}` : `a ${p}`);
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
  const lines = [REPLAY_FORMAT, `key ${r.key}`, `cwd ${place(r.cwd)}`, `go ${r.go}`];
  for (const a of r.args) lines.push(`arg ${a}`);
  for (const [k, v] of r.set) lines.push(`set ${k}=${v}`);
  for (const k of r.unset) lines.push(`unset ${k}`);
  for (const needles of r.screens) lines.push(['screen', ...needles.map((n) => Buffer.from(n, 'utf8').toString('hex'))].join(' '));
  for (const f of r.files) lines.push(f.header !== undefined && f.screen !== undefined ? `gofile ${f.size} ${f.sha256} ${f.header} ${f.screen} ${place(f.path)}` : `file ${f.size} ${f.sha256} ${place(f.path)}`);
  for (const p of r.absent) lines.push(`absent ${place(p)}`);
  for (const [d, names] of r.dirs) lines.push(`dir ${sha(names)} ${place(d)}`);
  for (const s of r.stats) lines.push(`stat ${s.size} ${s.mtimeNs} ${place(s.path)}`);
  const text = `${lines.join('\n')}\n`;
  // One line per entry: a value holding a line break would be read as other entries.
  if (text.split('\n').length !== lines.length + 1 || text.includes('\r')) return null;
  // go's command line must not name the checkout: a record replayed elsewhere would point back.
  if (r.args.some((a) => a.includes(root)) || r.set.some(([, v]) => v.includes(root)) || !isAbsolute(r.go)) return null;
  return text;
}

/** What one build hands writeReplayRecord, beside the plan's record. */
export interface ReplayDraft {
  key: ReplayKeyInput;
  root: string;
  cwd: string;
  go: string;
  args: readonly string[];
  /** The caller's environment and go's: the record keeps the difference. */
  env: NodeJS.ProcessEnv;
  goEnv: NodeJS.ProcessEnv;
  /** Configuration files read, and looked for and not found. */
  configFiles: readonly string[];
  configAbsent: readonly string[];
  /** The GOENV file go named ('' or off: none). */
  goenvFile: string;
  record: PlanRecord;
  /** Local Go file → what an edit to it must not add (fileScreens); a file not here is checked by content alone. */
  screens?: ReadonlyMap<string, readonly string[]>;
}

/** Variables the build sets for go that a replay leaves to go (its own work directory in TMPDIR). */
const NOT_REPLAYED: ReadonlySet<string> = new Set(['GOTMPDIR']);

/** A record ready to be stored once go has succeeded. */
export interface EncodedReplay {
  key: string;
  text: string;
}

/**
 * The replay record of a build (null: it cannot be kept), made while go runs and stored once go
 * has succeeded. Every input's content hash comes from the plan's record where it has one
 * (stamps taken before the plan read the files), else from a read now.
 */
export function encodeReplayDraft(d: ReplayDraft): EncodedReplay | null {
  const files = new Map<string, { size: number; sha256: string; header?: string; screen?: number }>();
  const absent = new Set<string>();
  const content = (path: string, stamp?: FileStamp | null): boolean => {
    if (stamp === null) {
      absent.add(path);
      return true;
    }
    if (stamp !== undefined && stamp.sha256 !== undefined) {
      files.set(path, { size: stamp.size, sha256: stamp.sha256 });
      return true;
    }
    try {
      const bytes = readFileSync(path);
      files.set(path, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      absent.add(path);
    }
    return true;
  };
  for (const [f, st] of d.record.keyFiles) if (!content(f, st)) return null;
  const screens = new Map<string, number>();
  for (const [f, fr] of d.record.files) {
    if (!content(f, fr.stamp)) return null;
    const needles = d.screens?.get(f);
    const c = files.get(f);
    if (needles === undefined || fr.header === null || c === undefined) continue;
    const id = needles.join('\u0000');
    if (!screens.has(id)) screens.set(id, screens.size);
    c.header = createHash('sha256').update(fr.header, 'utf8').digest('hex');
    c.screen = screens.get(id)!;
  }
  for (const f of d.configFiles) if (!content(f)) return null;
  for (const f of d.configAbsent) absent.add(f);
  if (d.goenvFile !== '' && d.goenvFile !== 'off' && !content(d.goenvFile)) return null;
  // The toolchain: its version and go.env by content, the binary by size and time.
  const stats: { path: string; size: number; mtimeNs: bigint }[] = [];
  try {
    const goroot = dirname(dirname(realpathSync(d.go)));
    for (const f of ['VERSION', 'go.env']) if (!content(join(goroot, f))) return null;
    const st = statSync(d.go, { bigint: true });
    stats.push({ path: d.go, size: Number(st.size), mtimeNs: st.mtimeNs });
  } catch {
    return null;
  }
  const set: [string, string][] = [];
  for (const [k, v] of Object.entries(d.goEnv)) if (v !== undefined && d.env[k] !== v && !NOT_REPLAYED.has(k)) set.push([k, v]);
  const unset = Object.keys(d.env).filter((k) => d.goEnv[k] === undefined);
  const key = replayKey(d.key);
  const text = encodeReplayRecord(
    {
      key,
      cwd: d.cwd,
      go: d.go,
      args: d.args,
      set: set.sort(([a], [b]) => (a < b ? -1 : 1)),
      unset: unset.sort(),
      files: [...files].map(([path, c]) => ({ path, ...c })),
      screens: [...screens.keys()].map((id) => (id === '' ? [] : id.split('\u0000'))),
      absent: [...absent].filter((p) => !files.has(p)),
      dirs: [...d.record.dirs],
      stats,
    },
    d.root,
  );
  return text === null ? null : { key, text };
}

/** Stores a record (a weave cache entry: temp file and rename); throws the fs error. */
export function storeReplayRecord(weaveDir: string, r: EncodedReplay): void {
  new LocalStore(weaveDir).write(r.key, Buffer.from(r.text, 'utf8'));
}

/**
 * Each local Go file's edit screen: the strings one of which an edit must add for some aspect to
 * possibly match in one of the packages compiled from it (editScreen, src/weave), their union.
 * A file whose content changed but whose header (go-header.ts) did not, and that holds none of
 * them, leaves the plan as it was: go list would list the same packages, and every package's
 * screening stays `none` (a record is only kept for builds that weave nothing). Files of a
 * package whose screening no string decides are left out, as are all under a user's -overlay
 * (go compiles what it names, not the file).
 */
export async function fileScreens(ctx: BuildContext, plan: BuildPlan, record: PlanRecord): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (Object.keys(plan.userOverlay).length > 0) return out;
  const { editScreen } = await import('../weave/index.js');
  const byPackage = new Map<string, string[] | null>();
  const screenOf = async (importPath: string): Promise<string[] | null> => {
    if (!byPackage.has(importPath)) {
      const p = plan.packages.get(importPath);
      const input = p === undefined ? null : weaveInputOfListed(ctx, p, plan.userOverlay);
      byPackage.set(importPath, input === null ? null : await editScreen(input, ctx.config));
    }
    return byPackage.get(importPath)!;
  };
  files: for (const [file, fr] of record.files) {
    if (fr.header === null) continue;
    const union = new Set<string>();
    for (const id of record.packagesOf.get(file) ?? []) {
      const s = await screenOf(id);
      if (s === null) continue files;
      for (const n of s) union.add(n);
    }
    if (record.packagesOf.has(file)) out.set(file, [...union].sort());
  }
  return out;
}
