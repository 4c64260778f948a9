// The local store: one file per entry under <weft cache dir>/weave/v1/<2 hex>/<key>. Writes go to
// a temporary file in the same directory and are renamed into place, so a reader sees a whole
// entry or none, and many builds may write the same key at once (the last rename wins; the
// contents are equal). Every entry carries the SHA-256 and length of its body and is checked on
// read: a corrupt or truncated one is deleted and reported as such, never used. Recency is the
// entry's mtime (touched on every hit); trimming removes the least recently used entries but
// none touched since the oldest running build began (each build holds a lease file while it
// runs). Directories are created 0700: entries hold source code.
// A build that stored something trims at its end (trimIfOver), which would list and stat every
// entry of a cache that may hold thousands: instead the last full listing leaves its total in
// `usage`, every write appends its size to `written`, and the listing runs only when their sum
// may exceed the cap (or the record is missing, unreadable or a day old). The sum never counts
// less than the store holds: overwrites, removals and writes racing a trim only count twice.
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export const DEFAULT_CACHE_MAX_BYTES = 1024 * 1024 * 1024;
const FORMAT = 'weft-cache 1';
const ENTRIES = 'v1';
/** A temporary file this old was left by a build killed mid-write. */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;
/** The last full listing's total and time, and the sizes written since (see the header). */
const USAGE = 'usage';
const WRITTEN = 'written';
/** A usage record older than this is not trusted (temporary files of killed writers are only found by a listing). */
const USAGE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** mtime granularity of some file systems is 1-2 s: protect a little more than the lease start. */
const CLOCK_SLACK_MS = 2000;

export type ReadResult = { kind: 'hit'; body: Buffer } | { kind: 'miss' } | { kind: 'corrupt'; reason: string };

export interface StoreFaults {
  /** Test hook: called before each write with the path; throw to simulate ENOSPC, EROFS… */
  beforeWrite?: (path: string) => void;
}

export interface StoreStats {
  entries: number;
  bytes: number;
}

export interface TrimResult extends StoreStats {
  removed: number;
  removedBytes: number;
  /** Entries kept although over the cap, because a running build may be using them. */
  protectedEntries: number;
}

export class LocalStore {
  readonly root: string;
  private readonly faults: StoreFaults;

  /** `root` is the weave cache directory (<weft cache dir>/weave). */
  constructor(root: string, faults: StoreFaults = {}) {
    this.root = root;
    this.faults = faults;
  }

  pathOf(key: string): string {
    return join(this.root, ENTRIES, key.slice(0, 2), key);
  }

  read(key: string): ReadResult {
    const path = this.pathOf(key);
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'miss' };
      return { kind: 'corrupt', reason: (e as Error).message };
    }
    const body = checkEntry(data, key);
    if (typeof body === 'string') {
      this.remove(key);
      return { kind: 'corrupt', reason: body };
    }
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // A read-only cache still answers; recency is only for trimming.
    }
    return { kind: 'hit', body };
  }

  /** Stores an entry atomically; throws the fs error (the caller warns and carries on). */
  write(key: string, body: Uint8Array): number {
    const dir = join(this.root, ENTRIES, key.slice(0, 2));
    ensureDir(dir);
    const header = Buffer.from(`${FORMAT} ${createHash('sha256').update(body).digest('hex')} ${body.length} ${key}\n`);
    const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    this.faults.beforeWrite?.(tmp);
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      try {
        writeAll(fd, header);
        writeAll(fd, body);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.pathOf(key));
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to remove
      }
      throw e;
    }
    // After the rename: a trim that takes the ledger away before listing sees the entry.
    try {
      appendFileSync(join(this.root, WRITTEN), `${header.length + body.length}\n`, { mode: 0o600 });
    } catch {
      // Without its line the next trim of this store lists it (see estimatedBytes).
      this.forgetUsage();
    }
    return header.length + body.length;
  }

  remove(key: string): void {
    try {
      unlinkSync(this.pathOf(key));
    } catch {
      // gone already, or a read-only cache
    }
  }

  /** Marks a build as running until release(): trim keeps what it touches. */
  openLease(): { release(): void } {
    const dir = join(this.root, 'leases');
    const file = join(dir, `${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, '', { mode: 0o600 });
    } catch {
      // A read-only cache cannot be trimmed by anyone either.
      return { release() {} };
    }
    return {
      release() {
        try {
          unlinkSync(file);
        } catch {
          // removed by a trim that judged this process dead
        }
      },
    };
  }

  stats(): StoreStats {
    let entries = 0;
    let bytes = 0;
    for (const e of this.listEntries()) {
      entries++;
      bytes += e.size;
    }
    return { entries, bytes };
  }

  /**
   * Removes least recently used entries until the store holds at most `maxBytes`, never one used
   * since the oldest running build started. One trim at a time (a lock file); a concurrent trim
   * returns without doing anything.
   */
  /**
   * trim(), when the store may hold more than `maxBytes` by its usage record (see the header);
   * null when it cannot, and nothing was listed.
   */
  trimIfOver(maxBytes: number): TrimResult | null {
    const bytes = this.estimatedBytes();
    return bytes !== null && bytes <= maxBytes ? null : this.trim(maxBytes);
  }

  /** The last listing's total plus every write since; null when that is not known. */
  private estimatedBytes(): number | null {
    const usage = readText(join(this.root, USAGE));
    const ledger = readText(join(this.root, WRITTEN));
    if (usage === null || usage === undefined || ledger === undefined) return null;
    // No ledger: nothing was written since the listing.
    const written = ledger ?? '';
    const m = /^(\d+) (\d+)\n$/.exec(usage);
    if (m === null) return null;
    const age = Date.now() - Number(m[2]);
    if (age < -CLOCK_SLACK_MS || age > USAGE_MAX_AGE_MS) return null;
    let bytes = Number(m[1]);
    for (const line of written.split('\n')) {
      if (line === '') continue;
      const n = Number(line);
      if (!Number.isSafeInteger(n) || n < 0) return null;
      bytes += n;
    }
    return bytes;
  }

  private forgetUsage(): void {
    try {
      unlinkSync(join(this.root, USAGE));
    } catch {
      // none kept
    }
  }

  trim(maxBytes: number): TrimResult {
    const lock = join(this.root, 'trim.lock');
    if (!takeLock(lock)) return { ...this.stats(), removed: 0, removedBytes: 0, protectedEntries: 0 };
    // The record goes first (a trim that dies half-way leaves none: the next one lists), then the
    // ledger, before the listing: writes from now on are counted again.
    this.forgetUsage();
    const counted = join(this.root, `${WRITTEN}.${process.pid}.counted`);
    let ledger = true;
    try {
      renameSync(join(this.root, WRITTEN), counted);
    } catch (e) {
      ledger = (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    try {
      const protectFrom = this.oldestLiveLease() - CLOCK_SLACK_MS;
      const list = this.listEntries().sort((a, b) => a.mtimeMs - b.mtimeMs);
      let bytes = list.reduce((s, e) => s + e.size, 0);
      let removed = 0;
      let removedBytes = 0;
      let protectedEntries = 0;
      for (const e of list) {
        if (bytes <= maxBytes) break;
        if (e.mtimeMs >= protectFrom) {
          protectedEntries++;
          continue;
        }
        try {
          unlinkSync(e.path);
          bytes -= e.size;
          removed++;
          removedBytes += e.size;
        } catch {
          // removed by someone else
        }
      }
      this.trimLog();
      if (ledger) this.keepUsage(bytes);
      return { entries: list.length - removed, bytes, removed, removedBytes, protectedEntries };
    } finally {
      rmSync(counted, { force: true });
      try {
        unlinkSync(lock);
      } catch {
        // already gone
      }
    }
  }

  /** Removes every entry and the build log (leases of running builds stay). */
  clean(): StoreStats {
    const before = this.stats();
    this.forgetUsage();
    rmSync(join(this.root, WRITTEN), { force: true });
    rmSync(join(this.root, ENTRIES), { recursive: true, force: true });
    rmSync(join(this.root, 'builds.log'), { force: true });
    return before;
  }

  /** One line per finished build: `<ms since epoch> <local hits> <local misses> <remote hits> <remote misses>`. */
  appendBuildLog(c: { localHits: number; localMisses: number; remoteHits: number; remoteMisses: number }): void {
    try {
      mkdirSync(this.root, { recursive: true, mode: 0o700 });
      appendFileSync(join(this.root, 'builds.log'), `${Date.now()} ${c.localHits} ${c.localMisses} ${c.remoteHits} ${c.remoteMisses}\n`, { mode: 0o600 });
    } catch {
      // read-only cache: no history
    }
  }

  readBuildLog(): { time: number; localHits: number; localMisses: number; remoteHits: number; remoteMisses: number }[] {
    let text = '';
    try {
      text = readFileSync(join(this.root, 'builds.log'), 'utf8');
    } catch {
      return [];
    }
    const out = [];
    for (const line of text.split('\n')) {
      const n = line.split(' ').map(Number);
      if (n.length !== 5 || n.some((x) => !Number.isFinite(x))) continue;
      out.push({ time: n[0]!, localHits: n[1]!, localMisses: n[2]!, remoteHits: n[3]!, remoteMisses: n[4]! });
    }
    return out;
  }

  private trimLog(): void {
    const file = join(this.root, 'builds.log');
    try {
      if (statSync(file).size < 64 * 1024) return;
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, lines.slice(-200).join('\n') + '\n', { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      // best effort
    }
  }

  private keepUsage(bytes: number): void {
    const file = join(this.root, USAGE);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, `${bytes} ${Date.now()}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  private listEntries(): { path: string; size: number; mtimeMs: number }[] {
    const out: { path: string; size: number; mtimeMs: number }[] = [];
    const base = join(this.root, ENTRIES);
    let shards: string[];
    try {
      shards = readdirSync(base);
    } catch {
      return out;
    }
    const now = Date.now();
    for (const s of shards) {
      let names: string[];
      try {
        names = readdirSync(join(base, s));
      } catch {
        continue;
      }
      for (const n of names) {
        const path = join(base, s, n);
        try {
          const st = statSync(path);
          if (n.startsWith('.tmp-')) {
            // Left by a build that was killed mid-write.
            if (now - st.mtimeMs > TEMP_MAX_AGE_MS) unlinkSync(path);
            continue;
          }
          out.push({ path, size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          // removed meanwhile
        }
      }
    }
    return out;
  }

  /** Start time of the oldest lease whose process is alive (Infinity when none); dead ones are removed. */
  private oldestLiveLease(): number {
    const dir = join(this.root, 'leases');
    let oldest = Infinity;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return oldest;
    }
    for (const n of names) {
      const m = /^(\d+)-(\d+)-/.exec(n);
      if (m === null) continue;
      if (!processAlive(Number(m[1]))) {
        try {
          unlinkSync(join(dir, n));
        } catch {
          // gone
        }
        continue;
      }
      oldest = Math.min(oldest, Number(m[2]));
    }
    return oldest;
  }
}

/** The body of a stored entry, or why it cannot be trusted. */
function checkEntry(data: Buffer, key: string): Buffer | string {
  const nl = data.indexOf(0x0a);
  if (nl < 0 || nl > 256) return 'no header';
  const parts = data.subarray(0, nl).toString('latin1').split(' ');
  if (parts.length !== 5 || `${parts[0]} ${parts[1]}` !== FORMAT) return 'unknown format';
  const [, , sum, len, storedKey] = parts as [string, string, string, string, string];
  if (storedKey !== key) return `entry is for key ${storedKey}`;
  const body = data.subarray(nl + 1);
  if (body.length !== Number(len)) return `truncated (${body.length} of ${len} bytes)`;
  if (createHash('sha256').update(body).digest('hex') !== sum) return 'checksum mismatch';
  return body;
}

/**
 * mkdir -p with mode 0700, level by level: a recursive mkdirSync on a read-only file system
 * reports ENOENT, where the user needs to read EROFS.
 */
function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT') throw e;
    ensureDir(dirname(dir));
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
    }
  }
}

function writeAll(fd: number, buf: Buffer | Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An exclusive lock file holding the owner's pid; a lock whose owner is dead is taken over. */
function takeLock(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      let owner = 0;
      try {
        owner = Number(readFileSync(path, 'utf8'));
      } catch {
        continue;
      }
      if (owner > 0 && processAlive(owner)) return false;
      try {
        unlinkSync(path);
      } catch {
        return false;
      }
    }
  }
  return false;
}

/** A file's text; null when it does not exist, undefined when it cannot be read. */
function readText(path: string): string | null | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
}
