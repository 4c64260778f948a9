// Runs the shim's Go tests (shim/*_test.go: msgpack, protocol fixtures shared with the
// TypeScript side, archives) so that `npm test` covers both halves of the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { goEnv, shimSrc } from './helpers.js';

test('go vet and go test ./... pass in shim/', () => {
  const vet = spawnSync('go', ['vet', './...'], { cwd: shimSrc, env: goEnv(), encoding: 'utf8' });
  assert.equal(vet.status, 0, `go vet failed:\n${vet.stdout}${vet.stderr}`);
  const r = spawnSync('go', ['test', '-count=1', './...'], { cwd: shimSrc, env: goEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, `go test failed:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^ok\s/m);
});
