// Runs the shim's Go tests (shim/*_test.go: msgpack, protocol fixtures shared with the
// TypeScript side, archives) so that `npm test` covers both halves of the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { devNull } from 'node:os';
import { goEnv, shimSrc } from './helpers.js';

test('go vet and go test ./... pass in shim/', () => {
  const vet = spawnSync('go', ['vet', './...'], { cwd: shimSrc, env: goEnv(), encoding: 'utf8' });
  assert.equal(vet.status, 0, `go vet failed:\n${vet.stdout}${vet.stderr}`);
  const r = spawnSync('go', ['test', '-count=1', './...'], { cwd: shimSrc, env: goEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, `go test failed:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^ok\s/m);
});

// CI runs on Linux only: the shim must still build (and vet) for the other platforms users run
// it on. macOS gets drop-in mode through ps; Windows builds without it and says so when asked.
for (const [goos, goarch] of [['darwin', 'arm64'], ['windows', 'amd64']] as const) {
  test(`the shim cross-builds and vets for ${goos}/${goarch}`, () => {
    const env = { ...goEnv(), GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0' };
    const build = spawnSync('go', ['build', '-o', devNull, '.'], { cwd: shimSrc, env, encoding: 'utf8' });
    assert.equal(build.status, 0, `GOOS=${goos} GOARCH=${goarch} go build failed:\n${build.stderr}`);
    const vet = spawnSync('go', ['vet', '.'], { cwd: shimSrc, env, encoding: 'utf8' });
    assert.equal(vet.status, 0, `GOOS=${goos} GOARCH=${goarch} go vet failed:\n${vet.stdout}${vet.stderr}`);
  });
}
