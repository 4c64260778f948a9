// Replay records: a build's decision, kept so the Go front end (shim/replay.go) can run the same
// go command again without starting Node. Node's start and module loading alone cost about what
// a no-op build of a large module costs plain go; where no daemon runs (CI), a retried job or a
// second build of an unchanged checkout pays it for a decision it already made. So when an
// in-process build used a stored plan (plan-store.ts) that asks nothing of weft while go runs
// (an overlay build weaving nothing: no -toolexec, no job server, no overlay file), it writes a
// record beside the plan: the exact go command, and every input the decision depended on with
// its content hash (module files, each local Go file, the configuration, the toolchain) and the
// listing of every directory a new file could appear in. The front end replays it only when all
// of these are as recorded; anything it cannot vouch for goes to Node, which decides again and
// writes a new record. Node owns the decision; the front end only verifies recorded inputs.
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
import type { PlanRecord } from './plan-record.js';

export const REPLAY_FORMAT = 'weft-replay 1';

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
  files: readonly { path: string; size: number; sha256: string }[];
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
  for (const f of r.files) lines.push(`file ${f.size} ${f.sha256} ${place(f.path)}`);
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
  const files = new Map<string, { size: number; sha256: string }>();
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
  for (const [f, fr] of d.record.files) if (!content(f, fr.stamp)) return null;
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
