// The remote weave cache against a real bazel-remote v2.6.1 with its default settings (it
// validates /ac/ bodies as ActionResult protobufs), on loopback. Machine A (weft cache 1,
// checkout 1) builds and writes; machine B (weft cache 2, fresh GOCACHE, another checkout
// directory and GOMODCACHE) builds, weaves nothing, and a panic in its binary names B's files.
// bazel-remote is built from a throwaway module that requires it (the module proxy refuses the
// version list `go install …@v2.6.1` asks for); without it the test is skipped with the reason.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo } from '../e2e/helpers.js';

const VERSION = 'v2.6.1';
const TOOL_DIR = join(tmpdir(), `weft-test-bazel-remote-${VERSION}`);

/** Builds bazel-remote once per machine; returns its path or why it cannot be built. */
function buildBazelRemote(): { bin: string } | { skip: string } {
  const bin = join(TOOL_DIR, 'bazel-remote');
  if (existsSync(bin)) return { bin };
  mkdirSync(TOOL_DIR, { recursive: true });
  writeFileSync(join(TOOL_DIR, 'go.mod'), `module example.com/weft-test-bazel-remote\n\ngo 1.23\n\nrequire github.com/buchgr/bazel-remote/v2 ${VERSION}\n`);
  writeFileSync(join(TOOL_DIR, 'tools.go'), '//go:build tools\n\npackage tools\n\nimport _ "github.com/buchgr/bazel-remote/v2"\n');
  // A test server on loopback, built from module proxy content: the checksum database is not
  // reachable from every sandbox, so it is not consulted for this throwaway module.
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOSUMDB: 'off', GOWORK: 'off' };
  for (const args of [['mod', 'tidy'], ['build', '-o', bin, 'github.com/buchgr/bazel-remote/v2']]) {
    const r = spawnSync('go', args, { cwd: TOOL_DIR, env, encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0) return { skip: `cannot build bazel-remote ${VERSION} (go ${args.join(' ')}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}` };
  }
  return { bin };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const tool = hasGo ? buildBazelRemote() : { skip: 'go is not installed' };

describe('remote weave cache on a real bazel-remote', { skip: 'skip' in tool ? tool.skip : false }, () => {
  let scratch = '';
  let server: ChildProcess | null = null;
  let url = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'weft-heavy-remote-'));
    ({ env, cleanup } = makeTestEnv('remote'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn((tool as { bin: string }).bin, ['--dir', join(scratch, 'bazel-remote'), '--max_size', '1', '--http_address', `127.0.0.1:${port}`, '--grpc_address', 'none'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`${url}/status`).then((r) => r.ok, () => false);
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('bazel-remote did not start');
  });
  after(() => {
    server?.kill();
    cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('machine A writes, machine B (other cache, checkout, GOCACHE, GOMODCACHE) weaves nothing and its panics name its files', async () => {
    const a = copyFixture('cache');
    const b = join(scratch, 'machine-b', 'src', 'checkout');
    cpSync(a, b, { recursive: true });
    const machine = (name: string): NodeJS.ProcessEnv => ({
      ...env,
      WEFT_CACHE: join(scratch, `weft-cache-${name}`),
      GOCACHE: join(scratch, `gocache-${name}`),
      GOMODCACHE: join(scratch, `gomodcache-${name}`),
      WEFT_REMOTE_CACHE: url,
    });
    type S = { cache: { localHits: number; localMisses: number; remoteHits: number; remoteMisses: number; stored: number; uploaded: number }; weave: { filesParsed: number; filesWoven: number } };

    const ra = await runWeftGo(['build', '-o', join(scratch, 'app-a'), './cmd/app'], { cwd: a, env: { ...machine('a'), WEFT_REMOTE_CACHE_WRITE: '1' }, timeoutMs: 600_000 });
    assert.equal(ra.code, 0, ra.stderr);
    const sa = ra.stats as unknown as S;
    assert.equal(sa.cache.uploaded, 4, JSON.stringify(sa.cache));
    assert.equal(sa.cache.remoteMisses, 4);

    const rb = await runWeftGo(['build', '-o', join(scratch, 'app-b'), './cmd/app'], { cwd: b, env: machine('b'), timeoutMs: 600_000 });
    assert.equal(rb.code, 0, rb.stderr);
    assert.doesNotMatch(rb.stderr, /remote weave cache/);
    const sb = rb.stats as unknown as S;
    assert.deepEqual({ remoteHits: sb.cache.remoteHits, localHits: sb.cache.localHits, uploaded: sb.cache.uploaded }, { remoteHits: 4, localHits: 0, uploaded: 0 });
    assert.equal(sb.weave.filesParsed, 0);
    assert.equal(sb.weave.filesWoven, 0);
    const ok = await run(join(scratch, 'app-b'), [], { cwd: scratch, env });
    assert.deepEqual([ok.stdout, ok.stderr], ['HI! 4\n', 'weft: main\nweft: Shout\nweft: Double\n']);
    const boom = await run(join(scratch, 'app-b'), ['panic'], { cwd: scratch, env });
    assert.ok(boom.stderr.includes(`${join(b, 'a', 'a.go')}:11`), boom.stderr);
    assert.ok(!boom.stderr.includes(a), boom.stderr);
    rmSync(a, { recursive: true, force: true });
  });

  it('a dead remote: one warning, the build weaves locally and succeeds', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const dir = copyFixture('cache');
    const r = await runWeftGo(['build', '-o', join(scratch, 'app-dead'), './cmd/app'], { cwd: dir, env: { ...env, WEFT_CACHE: join(scratch, 'weft-cache-dead'), GOCACHE: join(scratch, 'gocache-dead'), WEFT_REMOTE_CACHE: dead }, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => /remote weave cache/.test(l)).length, 1, r.stderr);
    assert.equal((await run(join(scratch, 'app-dead'), [], { cwd: scratch, env })).stdout, 'HI! 4\n');
    rmSync(dir, { recursive: true, force: true });
  });
});
