// Runs the oracle's Go tests (oracle/*_test.go: the sample frames shared with the TypeScript
// side, the handshake) so that `npm test` covers both halves of the oracle protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../../src/install/ensure-shim.js';
import { goEnv } from '../shim/helpers.js';

test('go vet and go test ./... pass in oracle/', () => {
  const cwd = join(packageRoot(), 'oracle');
  const vet = spawnSync('go', ['vet', './...'], { cwd, env: goEnv(), encoding: 'utf8' });
  assert.equal(vet.status, 0, `go vet failed:\n${vet.stdout}${vet.stderr}`);
  const r = spawnSync('go', ['test', '-count=1', './...'], { cwd, env: goEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, `go test failed:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^ok\s/m);
});
