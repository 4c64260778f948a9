// The Bazel HTTP remote store against an in-process HTTP server: the ActionResult encoding,
// verification of every blob, the bearer token, read-only by default, and a slow or lying
// remote turning into one warning and local weaving.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeActionResult, encodeActionResult, HttpRemoteStore, redactUrl, remoteStoreFromEnv } from '../../../src/cache/remote.js';
import { WeaveCache } from '../../../src/cache/weave-cache.js';

/** The digest of the bytes a test entry says it was woven from. */
const IN = 'a'.repeat(64);

const key = 'ab'.repeat(32);

interface Fake {
  url: string;
  blobs: Map<string, Buffer>;
  seen: { method: string; url: string; auth: string | undefined }[];
  server: Server;
  delayMs: number;
}

async function fakeCache(): Promise<Fake> {
  const blobs = new Map<string, Buffer>();
  const fake = { blobs, seen: [], delayMs: 0 } as unknown as Fake;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      fake.seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
      setTimeout(() => {
        if (req.method === 'PUT') {
          blobs.set(req.url ?? '', Buffer.concat(chunks));
          res.writeHead(200).end();
        } else {
          const b = blobs.get(req.url ?? '');
          if (b === undefined) res.writeHead(404).end();
          else res.writeHead(200).end(b);
        }
      }, fake.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  fake.url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  fake.server = server;
  return fake;
}

test('ActionResult encoding round-trips and matches the protobuf wire format', () => {
  const hash = 'cd'.repeat(32);
  const ar = encodeActionResult(hash, 300);
  // field 2 (output_files), length-delimited
  assert.equal(ar[0], 0x12);
  assert.deepEqual(decodeActionResult(ar), { hash, size: 300 });
  assert.equal(decodeActionResult(Buffer.from([0x12, 0x05, 0x0a])), null, 'truncated');
  assert.equal(decodeActionResult(Buffer.alloc(0)), null, 'empty ActionResult');
});

test('a writable store puts the CAS blob then the action result; a reader verifies and gets it back', async () => {
  const fake = await fakeCache();
  try {
    const writer = new HttpRemoteStore({ url: fake.url, writable: true, token: 's3cret' });
    const body = Buffer.from('the value');
    await writer.put(key, body);
    const sha = createHash('sha256').update(body).digest('hex');
    assert.deepEqual(fake.seen.map((s) => `${s.method} ${s.url}`), [`PUT /cas/${sha}`, `PUT /ac/${key}`]);
    assert.ok(fake.seen.every((s) => s.auth === 'Bearer s3cret'));
    const reader = new HttpRemoteStore({ url: `${fake.url}/`, writable: false });
    assert.deepEqual(await reader.get(key), body);
    assert.equal(await reader.get('00'.repeat(32)), null, '404 is a miss');
    // Tampered blob: refused.
    fake.blobs.set(`/cas/${sha}`, Buffer.from('the valuE'));
    await assert.rejects(reader.get(key), /does not match its SHA-256/);
  } finally {
    fake.server.close();
  }
});

test('read-only by default: no PUT without WEFT_REMOTE_CACHE_WRITE=1; the token and URL credentials are never in messages', async () => {
  const fake = await fakeCache();
  try {
    const ro = remoteStoreFromEnv({ WEFT_REMOTE_CACHE: fake.url });
    assert.equal(ro.writable, false);
    await ro.put(key, Buffer.from('x'));
    assert.equal(fake.seen.length, 0);
    assert.equal(remoteStoreFromEnv({ WEFT_REMOTE_CACHE: fake.url, WEFT_REMOTE_CACHE_WRITE: '1' }).writable, true);
    assert.equal(redactUrl('http://user:pw@host:1/x'), 'http://host:1/x');
    const store = remoteStoreFromEnv({ WEFT_REMOTE_CACHE: 'http://user:pw@127.0.0.1:1', WEFT_REMOTE_CACHE_TOKEN: 'tok3n' });
    const err = await store.get(key).then(() => null, (e: Error) => e.message);
    assert.ok(err !== null && !err.includes('pw') && !err.includes('tok3n'), err ?? '');
    assert.ok(!store.url.includes('pw'));
    const basic = new HttpRemoteStore({ url: `${fake.url.replace('//', '//us%3Aer:p%40ss@')}`, writable: false });
    assert.equal(await basic.get(key), null);
    assert.equal(fake.seen.at(-1)?.auth, `Basic ${Buffer.from('us:er:p@ss').toString('base64')}`);
    assert.throws(() => remoteStoreFromEnv({ WEFT_REMOTE_CACHE: 'ftp://x' }), /must be an http/);
  } finally {
    fake.server.close();
  }
});

test('a slow remote gives one warning and local weaving, and the build goes on without it', async () => {
  const fake = await fakeCache();
  fake.delayMs = 2000;
  const warnings: string[] = [];
  try {
    const cache = new WeaveCache({
      dir: join(mkdtempSync(join(tmpdir(), 'weft-remote-unit-')), 'weave'),
      remote: new HttpRemoteStore({ url: fake.url, writable: true, timeoutMs: 200 }),
      log: { warn: (m) => warnings.push(m), debug: () => {} },
    });
    const t0 = Date.now();
    assert.equal(await cache.get(key, ['/a.go'], IN), null);
    assert.equal(await cache.get('cd'.repeat(32), ['/a.go'], IN), null);
    assert.ok(Date.now() - t0 < 1900, 'the second lookup does not ask the dead remote again');
    cache.put(key, { files: [] }, ['/a.go'], IN);
    await cache.close();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /remote weave cache http:\/\/127\.0\.0\.1:\d+ failed \(GET \/ac\/[0-9a-f]+: no answer within 200 ms\); this build weaves locally/);
    assert.equal(cache.counters.stored, 1, 'still stored locally');
  } finally {
    fake.server.close();
  }
});

test('a remote hit is verified, decoded for this compile and copied into the local store', async () => {
  const fake = await fakeCache();
  try {
    const dirA = join(mkdtempSync(join(tmpdir(), 'weft-remote-unit-')), 'weave');
    const a = new WeaveCache({ dir: dirA, remote: new HttpRemoteStore({ url: fake.url, writable: true }), log: { warn: assert.fail, debug: () => {} } });
    a.put(key, { files: [{ original: '/a/x.go', text: '//line /a/x.go:1:1\n' }] }, ['/a/x.go'], IN);
    await a.close();
    assert.equal(a.counters.uploaded, 1);
    const dirB = join(mkdtempSync(join(tmpdir(), 'weft-remote-unit-')), 'weave');
    const b = new WeaveCache({ dir: dirB, remote: new HttpRemoteStore({ url: fake.url, writable: false }), log: { warn: assert.fail, debug: () => {} } });
    assert.deepEqual(await b.get(key, ['/b/x.go'], IN), { files: [{ original: '/b/x.go', text: '//line /b/x.go:1:1\n' }] });
    assert.deepEqual({ ...b.counters }, { localHits: 0, localMisses: 1, remoteHits: 1, remoteMisses: 0, stored: 1, uploaded: 0, corrupt: 0 });
    assert.equal(b.local.read(key).kind, 'hit');
    await b.close();
  } finally {
    fake.server.close();
  }
});
