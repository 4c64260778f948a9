// The remote store: Bazel's HTTP remote-cache protocol, as served by bazel-remote, nginx/WebDAV
// and other HTTP caches. A value is a CAS blob (`/cas/<sha256 of the body>`); the key maps to it
// through `/ac/<key>`, whose body is a minimal REv2 ActionResult with one output file pointing at
// that blob: bazel-remote validates `/ac/` bodies as ActionResult protobufs by default, so a
// server with its default settings accepts it. Every blob is checked against its SHA-256 and size
// before use; every request has a deadline. Read-only unless WEFT_REMOTE_CACHE_WRITE=1: laptops
// read what CI wrote, and a poisoned entry cannot reach the fleet from one machine. The bearer
// token (WEFT_REMOTE_CACHE_TOKEN) is sent, never printed; credentials in the URL are stripped
// from every message.
import { createHash } from 'node:crypto';
import { WeftError } from '../errors.js';
import type { RemoteStore } from './weave-cache.js';

export const DEFAULT_REMOTE_TIMEOUT_MS = 5000;
const OUTPUT_PATH = 'weft/weave-value';

export interface HttpRemoteOptions {
  url: string;
  token?: string;
  writable: boolean;
  timeoutMs?: number;
}

export function remoteStoreFromEnv(env: NodeJS.ProcessEnv): RemoteStore {
  const url = env['WEFT_REMOTE_CACHE'] ?? '';
  if (!/^https?:\/\//.test(url)) {
    throw new WeftError('E_USAGE', `WEFT_REMOTE_CACHE must be an http:// or https:// URL, got ${JSON.stringify(redactUrl(url))}`, { hint: 'e.g. WEFT_REMOTE_CACHE=http://cache.internal:8080' });
  }
  const timeout = Number(env['WEFT_REMOTE_CACHE_TIMEOUT_MS'] ?? '');
  const token = env['WEFT_REMOTE_CACHE_TOKEN'];
  return new HttpRemoteStore({
    url,
    ...(token !== undefined && token !== '' ? { token } : {}),
    writable: /^(1|true|yes|on)$/i.test(env['WEFT_REMOTE_CACHE_WRITE'] ?? ''),
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_REMOTE_TIMEOUT_MS,
  });
}

/** The URL without user:password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)[^@/]*@/, '$1');
}

export class HttpRemoteStore implements RemoteStore {
  readonly url: string;
  readonly writable: boolean;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(opts: HttpRemoteOptions) {
    // fetch refuses URLs with credentials: `http://user:pass@host` (as Bazel's --remote_cache
    // takes it) becomes basic authentication, unless a bearer token is given.
    const parsed = new URL(opts.url);
    const basic = parsed.username !== '' ? Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64') : null;
    parsed.username = '';
    parsed.password = '';
    this.base = parsed.href.replace(/\/+$/, '');
    this.url = this.base;
    this.writable = opts.writable;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
    this.headers = opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : basic !== null ? { authorization: `Basic ${basic}` } : {};
  }

  async get(key: string): Promise<Buffer | null> {
    const ac = await this.request('GET', `/ac/${key}`);
    if (ac === null) return null;
    const digest = decodeActionResult(ac);
    if (digest === null) throw new Error(`/ac/${key} is not an ActionResult weft wrote`);
    const blob = await this.request('GET', `/cas/${digest.hash}`);
    // An action result whose blob was evicted is a miss, not a failure of the remote.
    if (blob === null) return null;
    if (blob.length !== digest.size || sha256(blob) !== digest.hash) throw new Error(`/cas/${digest.hash} does not match its SHA-256`);
    return blob;
  }

  async put(key: string, body: Buffer): Promise<void> {
    if (!this.writable) return;
    const hash = sha256(body);
    await this.request('PUT', `/cas/${hash}`, body);
    await this.request('PUT', `/ac/${key}`, encodeActionResult(hash, body.length));
  }

  /** The body (GET) or an empty buffer (PUT); null for a 404. Throws on anything else, or after the deadline. */
  private async request(method: 'GET' | 'PUT', path: string, body?: Buffer): Promise<Buffer | null> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: { ...this.headers, ...(body !== undefined ? { 'content-type': 'application/octet-stream' } : {}) },
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: Error };
      const why = err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (err.cause?.message ?? err.message);
      throw new Error(`${method} ${path}: ${why}`);
    }
    if (method === 'GET' && res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`${method} ${path}: HTTP ${res.status}`);
    }
    return Buffer.from(await res.arrayBuffer());
  }
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

// Protobuf, the few fields needed (REv2 remote_execution.proto):
//   ActionResult { repeated OutputFile output_files = 2; }
//   OutputFile   { string path = 1; Digest digest = 2; }
//   Digest       { string hash = 1; int64 size_bytes = 2; }

/** A minimal ActionResult: one output file whose digest is the value's CAS address. */
export function encodeActionResult(hash: string, size: number): Buffer {
  const digest = Buffer.concat([lengthField(1, Buffer.from(hash)), varintField(2, size)]);
  const file = Buffer.concat([lengthField(1, Buffer.from(OUTPUT_PATH)), lengthField(2, digest)]);
  return lengthField(2, file);
}

/** The digest of weft's output file in an ActionResult, or null when there is none or it does not parse. */
export function decodeActionResult(buf: Uint8Array): { hash: string; size: number } | null {
  try {
    for (const f of readFields(buf)) {
      if (f.no !== 2 || f.bytes === undefined) continue;
      let path = '';
      let digest: Uint8Array | undefined;
      for (const g of readFields(f.bytes)) {
        if (g.no === 1 && g.bytes !== undefined) path = Buffer.from(g.bytes).toString('utf8');
        if (g.no === 2 && g.bytes !== undefined) digest = g.bytes;
      }
      if (path !== OUTPUT_PATH || digest === undefined) continue;
      let hash = '';
      let size = -1;
      for (const d of readFields(digest)) {
        if (d.no === 1 && d.bytes !== undefined) hash = Buffer.from(d.bytes).toString('latin1');
        if (d.no === 2 && d.varint !== undefined) size = d.varint;
      }
      if (/^[0-9a-f]{64}$/.test(hash) && size >= 0) return { hash, size };
    }
  } catch {
    return null;
  }
  return null;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

function lengthField(no: number, data: Buffer): Buffer {
  return Buffer.concat([varint((no << 3) | 2), varint(data.length), data]);
}

function varintField(no: number, n: number): Buffer {
  return Buffer.concat([varint(no << 3), varint(n)]);
}

interface Field {
  no: number;
  varint?: number;
  bytes?: Uint8Array;
}

function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const readVarint = (): number => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
    return Number(result);
  };
  while (i < buf.length) {
    const tag = readVarint();
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, varint: readVarint() });
    else if (wire === 2) {
      const len = readVarint();
      if (i + len > buf.length) throw new Error('truncated field');
      out.push({ no, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}
