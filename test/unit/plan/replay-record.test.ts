// Replay records (src/plan/replay-record.ts): the key and the record's text are shared with the
// Go front end (shim/replay.go) through test/fixtures/replay/, byte for byte; the environment a
// key holds leaves out where caches and statistics go; a record that cannot be relocated is not
// written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeReplayRecord, replayEnv, replayKey, type ReplayKeyInput, type ReplayRecord } from '../../../src/plan/replay-record.js';

const fixtures = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'test', 'fixtures', 'replay');

/** The record behind test/fixtures/replay/record.txt (shim/replay_test.go parses it at root /work/m). */
export const FIXTURE_RECORD: ReplayRecord = {
  key: 'replay-0123',
  cwd: '/work/m/cmd',
  go: '/usr/local/go/bin/go',
  args: ['build', '-trimpath', '-o', '/dev/null', './x'],
  set: [['GOFLAGS', '-mod=mod']],
  unset: ['WEFT_SHIM_MODE'],
  files: [
    { path: '/work/m/go.mod', size: 12, sha256: 'a'.repeat(64) },
    { path: '/work/m/p q/x.go', size: 30, sha256: 'b'.repeat(64), header: 'd'.repeat(64), screen: 0 },
    { path: '/work/m/p q/y.go', size: 31, sha256: 'e'.repeat(64), header: 'f'.repeat(64), screen: 1 },
    { path: '/etc/weft.yml', size: 7, sha256: 'c'.repeat(64) },
  ],
  screens: [['//dd:span', '"net/http"'], []],
  absent: ['/work/m/go.sum', '/work/m/weft.yml'],
  dirs: [['/work/m', 'cmd/go.mod/p q'], ['/work/m/p q', 'x.go/y.go']],
  stats: [{ path: '/usr/local/go/bin/go', size: 100, mtimeNs: 1787934006000000000n }],
};

test('replay keys are the fixture\'s (shim/replay_test.go checks the same ones)', () => {
  const fixture = JSON.parse(readFileSync(join(fixtures, 'keys.json'), 'utf8')) as { cases: (ReplayKeyInput & { key: string })[] };
  assert.ok(fixture.cases.length >= 3);
  for (const c of fixture.cases) assert.equal(replayKey(c), c.key, JSON.stringify(c));
});

test('the record text is the fixture\'s, byte for byte, paths under the root relative to it', () => {
  assert.equal(encodeReplayRecord(FIXTURE_RECORD, '/work/m'), readFileSync(join(fixtures, 'record.txt'), 'utf8'));
});

test('a key holds what changes the decision, not where caches, statistics or probes go', () => {
  const base: ReplayKeyInput = { identity: 'i', cwd: '.', args: ['build'], env: { CI: 'true', GOFLAGS: '-mod=readonly', LANG: 'C' }, goenv: 'none' };
  const same = (env: NodeJS.ProcessEnv): boolean => replayKey({ ...base, env: { ...base.env, ...env } }) === replayKey(base);
  assert.ok(same({ GOCACHE: '/a', GOTMPDIR: '/b', WEFT_STATS_JSON: '/c', WEFT_BENCH_RSS_FILE: '/d', WEFT_REPLAY_DEBUG: '1', LANG: 'de_DE' }));
  for (const env of [{ GOFLAGS: '-mod=mod' }, { GOOS: 'darwin' }, { CGO_ENABLED: '0' }, { CC: 'clang' }, { WEFT_CONFIG: '/x.yml' }, { WEFT_MODE: 'planned' }, { CI: 'false' }, { PATH: '/other' }]) assert.ok(!same(env), JSON.stringify(env));
  assert.notEqual(replayKey({ ...base, args: ['build', '-race'] }), replayKey(base));
  assert.notEqual(replayKey({ ...base, cwd: 'sub' }), replayKey(base));
  assert.notEqual(replayKey({ ...base, goenv: 'off' }), replayKey(base));
  assert.notEqual(replayKey({ ...base, identity: 'j' }), replayKey(base));
  // Length-prefixed: moving a character from one argument to the next is another key.
  assert.notEqual(replayKey({ ...base, args: ['ab', 'c'] }), replayKey({ ...base, args: ['a', 'bc'] }));
  assert.deepEqual(replayEnv({ B: '1', GOB: '2', GOA: '3', CI: 'x' }).map(([k]) => k), ['CI', 'GOA', 'GOB']);
});

test('a record whose go command names the checkout, or holds a line break, is not written', () => {
  assert.equal(encodeReplayRecord({ ...FIXTURE_RECORD, args: ['build', '-o', '/work/m/bin/x'] }, '/work/m'), null);
  assert.equal(encodeReplayRecord({ ...FIXTURE_RECORD, set: [['GOFLAGS', '-modfile=/work/m/alt.mod']] }, '/work/m'), null);
  assert.equal(encodeReplayRecord({ ...FIXTURE_RECORD, args: ['build', 'a\nb'] }, '/work/m'), null);
  assert.equal(encodeReplayRecord({ ...FIXTURE_RECORD, absent: ['/work/m/new\nline'] }, '/work/m'), null);
});
