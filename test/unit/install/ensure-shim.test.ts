// ensureShim: builds once into the cache, races safely with itself, reuses the binary without
// starting go, and reports a failed build or a missing go with the right WeftError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WeftError } from '../../../src/errors.js';
import { ensureShim, lookPath, weftCacheDir } from '../../../src/install/ensure-shim.js';
import { fakeTool, tempDir } from '../shim/helpers.js';

const realGo = lookPath('go');

/** A go wrapper that logs each invocation, then runs the real go (or the given body). */
function loggingGo(dir: string, body = `exec ${realGo} "$@"`): { go: string; log: string } {
  const log = join(dir, 'go.log');
  const go = fakeTool(dir, 'go', `echo "$*" >> ${log}\n${body}`);
  return { go, log };
}

function calls(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

test('two concurrent ensureShim calls give one working binary and leave no temporary files', async () => {
  const cacheDir = tempDir('cache');
  const { go, log } = loggingGo(tempDir('go'));
  const [a, b] = await Promise.all([ensureShim({ go, cacheDir }), ensureShim({ go, cacheDir })]);
  assert.equal(a, b);
  assert.ok(a.startsWith(join(cacheDir, 'shim') + '/'));
  assert.equal(a.endsWith('/weft-shim'), true);
  assert.deepEqual(readdirSync(dirname(a)).sort(), ['weft-shim', 'weft-shim.size'], 'only the binary and its recorded size are left in its directory');
  assert.ok((statSync(a).mode & 0o111) !== 0);
  assert.ok(calls(log).some((c) => c.startsWith('build ')), 'go build ran');
  // The binary works: pass-through of a tool that is not compile/link.
  const r = spawnSync(a, ['/bin/echo', 'hello', 'shim'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'hello shim\n');

  // A second run finds the binary and the cached `go env` answers: go is not started at all.
  const before = calls(log).length;
  assert.equal(await ensureShim({ go, cacheDir }), a);
  assert.equal(calls(log).length, before, 'no go invocation on the fast path');

  // A truncated binary is noticed and rebuilt, not handed to go to fail every tool.
  const { truncateSync } = await import('node:fs');
  const size = statSync(a).size;
  truncateSync(a, Math.floor(size / 2));
  assert.equal(await ensureShim({ go, cacheDir }), a);
  assert.equal(statSync(a).size, size);
  assert.ok(calls(log).length > before, 'go build ran again');
  assert.equal(spawnSync(a, ['/bin/echo', 'again'], { encoding: 'utf8' }).stdout, 'again\n');
});

test('the shim is built with GOFLAGS unset, GOWORK=off, CGO_ENABLED=0, GOTOOLCHAIN=local and host GOOS/GOARCH', async () => {
  const cacheDir = tempDir('cache-env');
  const dir = tempDir('go-env');
  const envLog = join(dir, 'env.log');
  const { go } = loggingGo(dir, `if [ "$1" = build ]; then echo "GOFLAGS=\${GOFLAGS-unset} GOWORK=$GOWORK CGO_ENABLED=$CGO_ENABLED GOTOOLCHAIN=$GOTOOLCHAIN GOOS=$GOOS GOARCH=$GOARCH" > ${envLog}; fi\nexec ${realGo} "$@"`);
  const host = spawnSync(realGo, ['env', 'GOHOSTOS', 'GOHOSTARCH'], { encoding: 'utf8' }).stdout.trim().split('\n');
  // A hostile environment: cross-compilation and flags that would break or change the build.
  const env = { ...process.env, GOFLAGS: '-mod=vendor -tags=nope', GOOS: 'windows', GOARCH: 'arm64', CGO_ENABLED: '1', GOWORK: '/nonexistent/go.work' };
  const bin = await ensureShim({ go, cacheDir, env });
  assert.equal(readFileSync(envLog, 'utf8').trim(), `GOFLAGS=unset GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOOS=${host[0]} GOARCH=${host[1]}`);
  assert.equal(spawnSync(bin, ['/bin/true']).status, 0, 'the binary runs on this host');
});

test('a failed build throws E_SHIM_BUILD with go\'s output and leaves no file behind', async () => {
  const cacheDir = tempDir('cache-fail');
  const { go } = loggingGo(tempDir('go-fail'), `if [ "$1" = build ]; then echo "./main.go:7:2: undefined: boom" >&2; exit 1; fi\nexec ${realGo} "$@"`);
  await assert.rejects(ensureShim({ go, cacheDir }), (err: unknown) => {
    assert.ok(err instanceof WeftError);
    assert.equal(err.code, 'E_SHIM_BUILD');
    assert.match(err.format(), /undefined: boom/);
    return true;
  });
  const shimRoot = join(cacheDir, 'shim');
  for (const d of readdirSync(shimRoot)) {
    if (statSync(join(shimRoot, d)).isDirectory()) assert.deepEqual(readdirSync(join(shimRoot, d)), [], `${d} must be empty`);
  }
});

test('no go on PATH throws E_GO_NOT_FOUND telling what to install', async () => {
  await assert.rejects(ensureShim({ go: 'go', cacheDir: tempDir('cache-nogo'), env: { ...process.env, PATH: tempDir('empty-path') } }), (err: unknown) => {
    assert.ok(err instanceof WeftError);
    assert.equal(err.code, 'E_GO_NOT_FOUND');
    assert.match(err.hint ?? '', /install Go ≥ 1\.23 or put it on PATH/);
    return true;
  });
});

test('a go older than 1.23 is refused with E_GO_NOT_FOUND', async () => {
  const { go } = loggingGo(tempDir('go-old'), 'if [ "$1" = env ]; then printf "go1.21.5\\nlinux\\namd64\\n"; exit 0; fi\nexit 1');
  await assert.rejects(ensureShim({ go, cacheDir: tempDir('cache-old') }), (err: unknown) =>
    err instanceof WeftError && err.code === 'E_GO_NOT_FOUND' && /go1\.21\.5; weft needs Go 1\.23/.test(err.message));
});

test('weftCacheDir: WEFT_CACHE, then XDG_CACHE_HOME/weft, then ~/.cache/weft', () => {
  assert.equal(weftCacheDir({ WEFT_CACHE: '/a/b', XDG_CACHE_HOME: '/x', HOME: '/h' }), '/a/b');
  assert.equal(weftCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }), '/x/weft');
  assert.equal(weftCacheDir({ HOME: '/h' }), '/h/.cache/weft');
});

test('an unwritable cache directory is E_CACHE with a hint, and stale temporary files are removed', async () => {
  const { writeFileSync, utimesSync, mkdirSync } = await import('node:fs');
  const file = join(tempDir('cache-file'), 'not-a-dir');
  writeFileSync(file, '');
  await assert.rejects(ensureShim({ go: realGo, cacheDir: file }), (err: unknown) =>
    err instanceof WeftError && err.code === 'E_CACHE' && /WEFT_CACHE/.test(err.hint ?? ''));

  // Find where this go's shim goes by building it once, then plant an old temp file and force a rebuild.
  const cacheDir = tempDir('cache-stale');
  const bin = await ensureShim({ go: realGo, cacheDir });
  const stale = join(dirname(bin), 'weft-shim.tmp-1-dead');
  const fresh = join(dirname(bin), 'weft-shim.tmp-2-live');
  writeFileSync(stale, 'x');
  writeFileSync(fresh, 'x');
  const old = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
  utimesSync(stale, old, old);
  const { rmSync } = await import('node:fs');
  rmSync(bin);
  mkdirSync(dirname(bin), { recursive: true });
  assert.equal(await ensureShim({ go: realGo, cacheDir }), bin);
  assert.deepEqual(readdirSync(dirname(bin)).sort(), ['weft-shim', 'weft-shim.size', 'weft-shim.tmp-2-live']);
});
