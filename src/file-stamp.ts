// The one way weft lets a file's state vouch for what was made from it (a plan's verdicts, a
// kept plan, a memoised `go env`, woven output). A stamp is taken BEFORE the read it vouches for:
// a write after the stamp changes the file's time (or size, or inode), so a later check sees
// the change even when the read already saw the new bytes, and the worst outcome is one needless
// re-check. A stamp whose modification time lies within the file system's time granularity of
// the moment it was taken (git's "racy" case: a second write in the same tick leaves the time as
// it was) cannot vouch by itself: it carries the hash of the content, and a check compares
// contents. A leaf module: node's fs and crypto only.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, type BigIntStats } from 'node:fs';

export interface FileStamp {
  readonly size: number;
  /** Modification time in nanoseconds (as the file system keeps it). */
  readonly mtimeNs: bigint;
  readonly ino: bigint;
  readonly dev: bigint;
  /** The content's SHA-256, kept when the time cannot vouch (racy), or when the caller read the bytes anyway. */
  readonly sha256?: string;
  /** The time was within RACY_NS of the stamp: only the content vouches. */
  readonly racy: boolean;
}

/**
 * Within this of the moment a stamp is taken, a file's time cannot vouch for its content: the
 * coarsest time stamps weft meets are FAT's 2 s; ext4, xfs and tmpfs tick in nanoseconds but
 * from a clock that lags the wall clock by up to a scheduler tick.
 */
export const RACY_NS = 2_000_000_000n;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Stat first, then read: the stamp and the bytes it vouches for. Throws the fs error. */
export function readStamped(path: string): { stamp: FileStamp; bytes: Buffer } {
  const now = nowNs();
  const st = statSync(path, { bigint: true });
  const bytes = readFileSync(path);
  return { stamp: makeStamp(st, now, sha256Hex(bytes)), bytes };
}

/**
 * The stamp of `path` now when it holds the content (`size`, `sha256`) a record says, else null:
 * one stat, and a read only when the size agrees (a stored plan's files, checked by content).
 */
export function stampIfHolds(path: string, size: number, sha256: string): FileStamp | null {
  const now = nowNs();
  try {
    const st = statSync(path, { bigint: true });
    if (!st.isFile() || st.size !== BigInt(size)) return null;
    const sha = sha256Hex(readFileSync(path));
    return sha === sha256 ? makeStamp(st, now, sha) : null;
  } catch {
    return null;
  }
}

/**
 * The stamp of `path` now, taken before whatever read it is to vouch for (null: missing or not a
 * regular file). Only a racy file is read here, for its hash.
 */
export function stampFile(path: string): FileStamp | null {
  const now = nowNs();
  let st: BigIntStats;
  try {
    st = statSync(path, { bigint: true });
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  if (!isRacy(st.mtimeNs, now)) return makeStamp(st, now);
  try {
    return makeStamp(st, now, sha256Hex(readFileSync(path)));
  } catch {
    return null;
  }
}

/** Whether `path` still is what `stamp` vouched for (a null stamp: still missing). */
export function stampHolds(stamp: FileStamp | null, path: string): boolean {
  let st: BigIntStats;
  try {
    st = statSync(path, { bigint: true });
  } catch {
    return stamp === null;
  }
  if (stamp === null || !st.isFile()) return stamp === null && !st.isFile();
  if (st.size !== BigInt(stamp.size)) return false;
  const sameMeta = st.mtimeNs === stamp.mtimeNs && st.ino === stamp.ino && st.dev === stamp.dev;
  if (sameMeta && !stamp.racy) return true;
  // Not the same metadata: a rewrite with the same bytes (a touch, an editor's save) still holds
  // when the content is known; a racy stamp is only ever confirmed by content.
  if (stamp.sha256 === undefined) return false;
  try {
    return sha256Hex(readFileSync(path)) === stamp.sha256;
  } catch {
    return false;
  }
}

/** Whether two stamps say the same file state (the content, when both know it, decides). */
export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.sha256 !== undefined && b.sha256 !== undefined) return a.sha256 === b.sha256;
  return !a.racy && !b.racy && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino && a.dev === b.dev;
}

/** Whether a file time `mtimeNs` is too close to `nowNs` (or after it) to vouch for content. */
export function isRacy(mtimeNs: bigint, now: bigint): boolean {
  return mtimeNs >= now - RACY_NS;
}

/**
 * Whether a file time says the file changed after `sinceMs`, or may have within the file
 * system's time granularity (whole seconds: FAT and some network file systems).
 */
export function changedSince(mtimeNs: bigint, sinceMs: number): boolean {
  const granularity = mtimeNs % 1_000_000_000n === 0n ? RACY_NS : 50_000_000n;
  return mtimeNs >= BigInt(sinceMs) * 1_000_000n - granularity;
}

function makeStamp(st: BigIntStats, now: bigint, sha?: string): FileStamp {
  const stamp = { size: Number(st.size), mtimeNs: st.mtimeNs, ino: st.ino, dev: st.dev, racy: isRacy(st.mtimeNs, now), ...(sha !== undefined ? { sha256: sha } : {}) };
  return Object.freeze(stamp);
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
