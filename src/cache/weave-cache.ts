// One build's view of the weave cache: the local store, optionally a remote one behind it
// (read-through: a remote hit is copied into the local store), the hit/miss counters for
// --weft-stats, and the rule that a cache problem never fails a build: an unwritable or full
// cache directory, or a slow or dead remote, costs one warning and the build weaves locally.
import { decodeValue, encodeValue } from './value.js';
import { DEFAULT_CACHE_MAX_BYTES, LocalStore, type StoreFaults } from './store.js';

export interface CacheLog {
  debug(msg: string): void;
  warn(msg: string): void;
}

/** A shared store (see remote.ts): bodies are verified there; null means miss. */
export interface RemoteStore {
  readonly url: string;
  get(key: string): Promise<Buffer | null>;
  put(key: string, body: Buffer): Promise<void>;
  readonly writable: boolean;
}

export interface CacheCounters {
  localHits: number;
  localMisses: number;
  remoteHits: number;
  remoteMisses: number;
  /** Entries written to the local store. */
  stored: number;
  /** Entries written to the remote store. */
  uploaded: number;
  /** Corrupt or truncated local entries discarded. */
  corrupt: number;
}

export interface WeaveCacheOptions {
  /** The weave cache directory (<weft cache dir>/weave). */
  dir: string;
  maxBytes?: number;
  remote?: RemoteStore | null;
  log: CacheLog;
  faults?: StoreFaults;
}

export class WeaveCache {
  readonly local: LocalStore;
  readonly counters: CacheCounters = { localHits: 0, localMisses: 0, remoteHits: 0, remoteMisses: 0, stored: 0, uploaded: 0, corrupt: 0 };
  private readonly remote: RemoteStore | null;
  private readonly log: CacheLog;
  private readonly maxBytes: number;
  private readonly lease: { release(): void };
  private writeFailed = false;
  private remoteFailed = false;
  private readonly uploads = new Set<Promise<void>>();

  constructor(opts: WeaveCacheOptions) {
    this.local = new LocalStore(opts.dir, opts.faults);
    this.remote = opts.remote ?? null;
    this.log = opts.log;
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.lease = this.local.openLease();
  }

  /**
   * The stored value for `key` with `files` filled in, or null (weave it). `input` is the digest
   * of the bytes the key was computed from (weaveInputDigest): an entry woven from other bytes is
   * not used, wherever it comes from.
   */
  async get<T>(key: string, files: readonly string[], input: string): Promise<T | null> {
    const r = this.local.read(key);
    if (r.kind === 'hit') {
      const value = decodeValue<T>(r.body, files, input);
      if (value !== null) {
        this.counters.localHits++;
        return value;
      }
      this.local.remove(key);
      this.counters.corrupt++;
      this.log.debug(`weave cache: entry ${key} does not decode for ${files.length} files woven from input ${input.slice(0, 12)}; discarded, weaving again`);
    } else if (r.kind === 'corrupt') {
      this.counters.corrupt++;
      this.log.debug(`weave cache: entry ${key} is corrupt (${r.reason}); discarded, weaving again`);
    }
    this.counters.localMisses++;
    if (this.remote === null || this.remoteFailed) return null;
    let body: Buffer | null;
    try {
      body = await this.remote.get(key);
    } catch (e) {
      this.remoteDown(e);
      return null;
    }
    const value = body !== null ? decodeValue<T>(body, files, input) : null;
    if (value === null) {
      this.counters.remoteMisses++;
      return null;
    }
    this.counters.remoteHits++;
    this.writeLocal(key, body!);
    return value;
  }

  /** Stores a weave result woven from the bytes `input` digests (never throws; uploads run in the background until close()). */
  put(key: string, result: object, files: readonly string[], input: string): void {
    const body = encodeValue(result, files, input);
    this.writeLocal(key, body);
    if (this.remote !== null && this.remote.writable && !this.remoteFailed) {
      const p = this.remote.put(key, body).then(
        () => {
          this.counters.uploaded++;
        },
        (e: unknown) => this.remoteDown(e),
      );
      this.uploads.add(p);
      void p.finally(() => this.uploads.delete(p));
    }
  }

  /** Ends the build's use: waits for uploads, records the build, trims when over the cap. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.uploads]);
    const c = this.counters;
    if (c.localHits + c.localMisses > 0) this.local.appendBuildLog(c);
    this.lease.release();
    if (c.stored > 0 || c.remoteHits > 0) {
      try {
        const t = this.local.trimIfOver(this.maxBytes);
        if (t !== null && t.removed > 0) this.log.debug(`weave cache: trimmed ${t.removed} entries (${t.removedBytes} bytes); ${t.entries} left, ${t.bytes} bytes`);
      } catch (e) {
        this.log.debug(`weave cache: trim failed: ${(e as Error).message}`);
      }
    }
  }

  private writeLocal(key: string, body: Buffer): void {
    if (this.writeFailed) return;
    try {
      this.local.write(key, body);
      this.counters.stored++;
    } catch (e) {
      this.writeFailed = true;
      this.log.warn(`cannot write the weave cache in ${this.local.root} (${(e as Error).message}); this build weaves without storing its results (set WEFT_CACHE to a writable directory, or WEFT_WEAVE_CACHE=off)`);
    }
  }

  private remoteDown(e: unknown): void {
    if (this.remoteFailed) return;
    this.remoteFailed = true;
    this.log.warn(`the remote weave cache ${this.remote?.url ?? ''} failed (${(e as Error).message}); this build weaves locally`);
  }
}
