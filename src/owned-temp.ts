// Temporary directories (and files) that name their owner. A weft process killed with SIGKILL runs no
// cleanup, so every temporary directory weft makes (overlays, go's work directory, job server
// sockets) carries a small file naming the process that made it: its pid and, where the system
// tells (Linux /proc), the process's start time, so a recycled pid is not taken for the owner.
// A later weft process removes the directories whose owner is gone (sweepDeadOwners): a readdir
// of the parent and one small read per weft entry, cheap enough for every build.
// A leaf module: node's fs and os only.
import { existsSync, linkSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The owner file inside an owned directory (a dot file: no tool that lists the directory mistakes it for content). */
export const OWNER_FILE = '.weft-owner';

/** A directory without an owner file (made by an older weft, or its owner died between mkdtemp and the write) counts as abandoned after this long. */
const UNOWNED_STALE_MS = 3_600_000;

/** This process as an owner file states it: `<pid> <start time>` (start time '' where unknown). */
export function ownerStamp(pid: number = process.pid): string {
  return `${pid} ${startTimeOf(pid) ?? ''}`;
}

/** Makes `<parent>/<prefix>XXXXXX` (0700, mkdtemp's mode) owned by this process; throws fs errors. */
export function makeOwnedTempDir(prefix: string, parent: string = tmpdir()): string {
  const dir = mkdtempSync(join(parent, prefix));
  writeFileSync(join(dir, OWNER_FILE), `${ownerStamp()}\n`);
  return dir;
}

/** Whether the process an owner stamp names is still running (the same process: same start time). */
export function ownerAlive(stamp: string): boolean {
  const [pidText, start] = stamp.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH, or EPERM: another user's process holds the pid now; ours is gone either way.
    return false;
  }
  if (start === undefined || start === '') return true;
  const now = startTimeOf(pid);
  return now === null || now === start;
}

/** Whether `dir` is owned by a live process (null: it has no owner file). */
export function dirOwnerAlive(dir: string): boolean | null {
  let stamp: string;
  try {
    stamp = readFileSync(join(dir, OWNER_FILE), 'utf8');
  } catch {
    return null;
  }
  return ownerAlive(stamp);
}

/**
 * Creates `path` holding this process's owner stamp, atomically (written aside, then linked into
 * place: no reader ever sees it empty). Returns false when it exists already; throws other fs errors.
 */
export function createOwnedFile(path: string): boolean {
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, `${ownerStamp()}\n`, { mode: 0o600 });
  try {
    linkSync(aside, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(aside, { force: true });
  }
}

/** Whether the process an owned file names is alive (null: no such file). */
export function fileOwnerAlive(path: string): boolean | null {
  let stamp: string;
  try {
    stamp = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return ownerAlive(stamp);
}

/** Makes an owned file this process's, when it exists (written aside, then renamed over it). */
export function claimOwnedFile(path: string): void {
  if (!existsSync(path)) return;
  const aside = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(aside, `${ownerStamp()}\n`, { mode: 0o600 });
    renameSync(aside, path);
  } catch {
    rmSync(aside, { force: true });
  }
}

/**
 * A file name that names its owner, `<prefix><pid>-<start time><suffix>`, for what cannot hold
 * an owner file (a socket); sweepDeadOwnedNames removes those whose owner is gone.
 */
export function ownedName(prefix: string, suffix = ''): string {
  return `${prefix}${ownerStamp().replace(' ', '-')}${suffix}`;
}

/** Removes the entries of `parent` named by ownedName(prefix, suffix) whose owner is gone. Never throws. */
export function sweepDeadOwnedNames(parent: string, prefix: string, suffix = ''): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix) || name.length <= prefix.length + suffix.length) continue;
    const m = /^([0-9]+)-([0-9]*)$/.exec(name.slice(prefix.length, name.length - suffix.length));
    if (m === null || ownerAlive(`${m[1]} ${m[2]}`)) continue;
    try {
      rmSync(join(parent, name), { force: true });
      removed.push(join(parent, name));
    } catch {
      // racing another sweeper
    }
  }
  return removed;
}

/**
 * Removes the directories in `parent` whose names start with one of `prefixes`, that belong to
 * this user and whose owner process is gone; an entry without an owner file only when `unowned`
 * says it is weft's and it is older than an hour. Returns what was removed. Never throws.
 */
export function sweepDeadOwners(parent: string, prefixes: readonly string[], unowned?: (name: string) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    const dir = join(parent, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const alive = dirOwnerAlive(dir);
      if (alive === true) continue;
      if (alive === null && (unowned === undefined || !unowned(name) || Date.now() - st.mtimeMs < UNOWNED_STALE_MS)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // racing another sweeper, or not ours to remove
    }
  }
  return removed;
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat, field 22), or null where there is no /proc. */
function startTimeOf(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}
