// `weft cache dir|stats|trim|clean` on a store filled through the cache's own API.
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalStore } from '../../../src/cache/store.js';
import { main } from '../../../src/cli/index.js';
import { extractWeftFlags } from '../../../src/build/go-args.js';

function io(weftCache: string, extra: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), env: { WEFT_CACHE: weftCache, ...extra } as NodeJS.ProcessEnv, cwd: process.cwd() } };
}

test('weft cache dir, stats, trim --max-size and clean', async () => {
  const root = mkdtempSync(join(tmpdir(), 'weft-cache-cli-'));
  const store = new LocalStore(join(root, 'weave'));
  const old = Date.now() / 1000 - 3600;
  for (let i = 0; i < 4; i++) {
    const k = String(i).padStart(64, '0');
    store.write(k, Buffer.alloc(10_000, i));
    utimesSync(store.pathOf(k), old + i, old + i);
  }
  store.appendBuildLog({ localHits: 3, localMisses: 1, remoteHits: 0, remoteMisses: 0 });
  store.appendBuildLog({ localHits: 0, localMisses: 4, remoteHits: 0, remoteMisses: 0 });

  let t = io(root);
  assert.equal(await main(['cache', 'dir'], t.io), 0);
  assert.equal(t.out.join(''), `${join(root, 'weave')}\n`);

  t = io(root);
  assert.equal(await main(['cache', 'stats'], t.io), 0);
  assert.match(t.out.join(''), /entries: +4\n/);
  assert.match(t.out.join(''), /hit rate: +38% over the last 2 builds \(3 local hits, 0 remote hits, 5 misses\)/);

  t = io(root);
  assert.equal(await main(['cache', 'trim', '--max-size', '25K'], t.io), 0);
  assert.match(t.out.join(''), /^removed 2 entries/);
  assert.equal(store.read(String(0).padStart(64, '0')).kind, 'miss', 'the least recently used went first');
  assert.equal(store.read(String(3).padStart(64, '0')).kind, 'hit');

  t = io(root);
  assert.equal(await main(['cache', 'trim', '--max-size', 'lots'], t.io), 2);
  assert.match(t.err.join(''), /--max-size must be a size/);

  t = io(root);
  assert.equal(await main(['cache', 'clean'], t.io), 0);
  assert.match(t.out.join(''), /^removed 2 entries/);
  assert.deepEqual(store.stats(), { entries: 0, bytes: 0 });
});

test('--weft-cache=off is taken out of go\'s arguments', () => {
  assert.deepEqual(extractWeftFlags(['build', '--weft-cache=off', './...']), { goArgs: ['build', './...'], flags: { cache: 'off' } });
});
