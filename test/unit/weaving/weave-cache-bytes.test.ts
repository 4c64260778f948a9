// Woven output bound to the bytes it came from: the weave cache key hashes the package's files,
// and what is stored under that key must be the weave of exactly those bytes, even when a file
// is saved between the key and the weave; an entry that says it was woven from other bytes than
// the key's (a crafted or corrupted entry, locally or from the remote) is never used.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex, WeaveCache, weaveInputDigest, type RemoteStore } from '../../../src/cache/index.js';
import type { WorkerPool } from '../../../src/pool/index.js';
import { createBuildContext } from '../../../src/weaving/build-context.js';
import { cachedWeave, weaveKeyOf } from '../../../src/weaving/weave-cache.js';
import { createWeavePool } from '../../../src/weaving/weaver.js';
import * as weave from '../../../src/weave/index.js';
import { advice, aspect, config, input, jp, tpl } from '../weave/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-weave-bytes-'));
const file = join(dir, 'a.go');
const ORIGINAL = 'package a\n\nfunc Traced() { println("original") }\n';
const EDITED = 'package a\n\nfunc Traced() { println("edited") }\n';
const cfg = config(aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'Traced' }] }) }), advice({ kind: 'prepend-statements', template: tpl('println("woven")') })));
const log = { debug: () => {}, warn: () => {} };
let pool: WorkerPool;

before(async () => {
  pool = await createWeavePool({ debug: () => {} });
});
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(name: string, remote: RemoteStore | null = null) {
  const ctx = createBuildContext({ config: cfg, buildFlags: [] });
  const cache = new WeaveCache({ dir: join(dir, name), remote, log });
  const weaver = weave.createWeaver({ config: cfg, pool });
  const around = cachedWeave(ctx, cache, weave, {});
  const pkg = input('example.com/a', [file]);
  return { ctx, cache, weaver, around, pkg };
}

function wovenText(outcome: weave.WeaveOutcome): string {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.result.files.map((f) => f.text).join('\n');
}

test('a file saved between the key and the weave: the entry under the key is the weave of the bytes the key hashed', async () => {
  writeFileSync(file, ORIGINAL);
  const { ctx, cache, weaver, pkg } = setup('race');
  const keyOfOriginal = await weaveKeyOf(ctx, weave, {}, pkg);
  const originalDigest = weaveInputDigest([{ name: 'a.go', sha256: sha256Hex(ORIGINAL) }]);
  const around = cachedWeave(ctx, cache, weave, {});
  // The weave starts after the key was computed; the file is saved in between.
  const outcome = await weaver(pkg, {
    around: (inp, run) => around(inp, (...args: unknown[]) => {
      writeFileSync(file, EDITED);
      return (run as (...a: unknown[]) => Promise<weave.WeaveOutcome>)(...args);
    }),
  });
  const text = wovenText(outcome);
  const stored = await cache.get<{ files: { text: string }[] }>(keyOfOriginal, [file], originalDigest);
  await cache.close();
  if (stored !== null) {
    const storedText = stored.files.map((f) => f.text).join('\n');
    assert.match(storedText, /"original"/, 'stored under the key of the original bytes, the entry must be their weave');
    assert.doesNotMatch(storedText, /"edited"/);
  }
  // The build used one set of bytes throughout: the ones the key hashed.
  assert.match(text, /"original"/, 'woven from the bytes that were hashed');
});

test('an entry recording other input bytes than the key\'s is rejected, locally and from the remote', async () => {
  writeFileSync(file, ORIGINAL);
  const first = setup('crafted');
  const key = await weaveKeyOf(first.ctx, weave, {}, first.pkg);
  wovenText(await first.weaver(first.pkg, { around: first.around }));
  await first.cache.close();
  // Craft the entry: another woven text, recorded as woven from other bytes.
  const read = first.cache.local.read(key);
  assert.equal(read.kind, 'hit');
  const entry = JSON.parse(Buffer.from((read as { body: Uint8Array }).body).toString('utf8')) as { input?: string; result: { files: { text: string }[] } };
  entry.input = 'f'.repeat(64);
  for (const f of entry.result.files) f.text = f.text.replace('println("woven")', 'println("crafted")');
  const body = Buffer.from(JSON.stringify(entry));

  const local = setup('crafted');
  local.cache.local.write(key, body);
  let woven = 0;
  const text = wovenText(await local.weaver(local.pkg, { around: (inp, run) => local.around(inp, (...args: unknown[]) => (woven++, (run as (...a: unknown[]) => Promise<weave.WeaveOutcome>)(...args))) }));
  await local.cache.close();
  assert.doesNotMatch(text, /crafted/, 'the local entry is not used');
  assert.equal(woven, 1, 'the package is woven again');

  const remote: RemoteStore = { url: 'http://remote.test', writable: false, get: async () => body, put: async () => {} };
  const far = setup('crafted-remote', remote);
  let wovenFar = 0;
  const farText = wovenText(await far.weaver(far.pkg, { around: (inp, run) => far.around(inp, (...args: unknown[]) => (wovenFar++, (run as (...a: unknown[]) => Promise<weave.WeaveOutcome>)(...args))) }));
  await far.cache.close();
  assert.doesNotMatch(farText, /crafted/, 'the remote entry is not used');
  assert.equal(wovenFar, 1);
});

test('a file saved between the pre-filter and the key: the package is screened, keyed and woven from one read of its bytes', async () => {
  writeFileSync(file, ORIGINAL);
  const { ctx, cache, weaver, around, pkg } = setup('screened');
  const keyOfOriginal = await weaveKeyOf(ctx, weave, {}, pkg);
  const originalDigest = weaveInputDigest([{ name: 'a.go', sha256: sha256Hex(ORIGINAL) }]);
  // The screening has passed the package when `around` is called; the file is saved before the cache reads it.
  const outcome = await weaver(pkg, {
    around: (inp, run) => {
      writeFileSync(file, EDITED);
      return around(inp, run);
    },
  });
  const text = wovenText(outcome);
  assert.match(text, /"original"/, 'woven from the bytes the pre-filter screened');
  assert.doesNotMatch(text, /"edited"/);
  const stored = await cache.get<{ files: { text: string }[] }>(keyOfOriginal, [file], originalDigest);
  await cache.close();
  assert.ok(stored !== null, 'the entry is under the key of the screened bytes');
  assert.match(stored.files.map((f) => f.text).join('\n'), /"original"/);
});
