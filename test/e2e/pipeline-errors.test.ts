// Bad input to `weft go` (issue 2's list): each is one line saying what to do, exit code 2, and
// nothing left behind. Plus `weft toolexec`, the slow orchestrion-style path, on a real build.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeft, weftBin } from './helpers.js';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('weft go: bad input', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let runtime = '';

  before(() => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('pipeline-errors'));
    runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-errors-rt-'));
    env = { ...env, XDG_RUNTIME_DIR: runtime };
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(runtime, { recursive: true, force: true });
  });

  function assertOneLine(stderr: string, re: RegExp): void {
    const lines = stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
    assert.match(lines[0]!, re);
  }

  it('an unknown weft flag', async () => {
    const r = await runWeft(['go', 'build', '--weft-colour', './...'], { cwd: mod, env });
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, /^weft: unknown weft flag --weft-colour; weft flags are/);
    const r2 = await runWeft(['--colour', 'go', 'build'], { cwd: mod, env });
    assert.equal(r2.code, 2);
    assertOneLine(r2.stderr, /^weft: unknown option '--colour'/);
    assert.deepEqual(readdirSync(runtime), []);
  });

  it('go not on PATH', async () => {
    const r = await runWeft(['go', 'build', './...'], { cwd: mod, env: { ...env, PATH: '/nonexistent' } });
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, /^weft: no `go` command on PATH; install Go/);
  });

  it('an unreadable config', async () => {
    const r = await runWeft(['--config', join(mod, 'missing.yml'), 'go', 'build', './...'], { cwd: mod, env });
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, /^weft: cannot read the weft configuration .*missing\.yml: .*ENOENT/);
    const secret = join(mod, 'secret.yml');
    writeFileSync(secret, 'meta: {name: x, description: y}\n');
    chmodSync(secret, 0o000);
    try {
      const r2 = await runWeft(['go', 'build', './...'], { cwd: mod, env: { ...env, WEFT_CONFIG: secret } });
      // root can read anything: then the file is readable and the build goes on.
      if (process.getuid?.() !== 0) {
        assert.equal(r2.code, 2);
        assertOneLine(r2.stderr, /^weft: cannot read the weft configuration/);
      }
    } finally {
      rmSync(secret, { force: true });
    }
    assert.deepEqual(readdirSync(runtime), [], 'no socket directory left behind');
  });

  it('an invalid config says where', async () => {
    writeFileSync(join(mod, 'weft.yml'), 'meta: {name: x, description: y}\naspects:\n  - id: a\n    join-point: {no-such-join-point: 1}\n    advice: []\n');
    try {
      const r = await runWeft(['go', 'build', './...'], { cwd: mod, env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^weft: .*weft\.yml/);
    } finally {
      rmSync(join(mod, 'weft.yml'), { force: true });
    }
    assert.deepEqual(readdirSync(runtime), []);
  });

  it('a socket directory that cannot be created', async () => {
    const notADir = join(mod, 'go.mod');
    // An overlay build (auto's choice here) runs no server and needs no socket: plan it.
    const r = await runWeft(['go', 'build', './...'], { cwd: mod, env: { ...env, XDG_RUNTIME_DIR: notADir, WEFT_MODE: 'planned' } });
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, /^weft: cannot create a private socket directory in .*go\.mod: .*; make that directory writable/);
  });

  it('a shim that fails to build shows go\'s error and leaves no half-written binary', async () => {
    const fake = mkdtempSync(join(tmpdir(), 'weft-e2e-fakego-'));
    const cache = mkdtempSync(join(tmpdir(), 'weft-e2e-fakecache-'));
    const realGo = (await run('sh', ['-c', 'command -v go'], { cwd: mod, env })).stdout.trim();
    writeFileSync(join(fake, 'go'), `#!/bin/sh\nif [ "$1" = build ]; then echo "shim.go:1:1: fake compiler failure" >&2; exit 1; fi\nexec ${realGo} "$@"\n`);
    chmodSync(join(fake, 'go'), 0o755);
    try {
      const r = await runWeft(['go', 'build', './...'], { cwd: mod, env: { ...env, PATH: `${fake}:${env['PATH'] ?? ''}`, WEFT_CACHE: cache } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^weft: .*building the weft shim/);
      assert.match(r.stderr, /fake compiler failure/);
      assert.deepEqual(listFiles(cache).filter((f) => /weft-shim/.test(f)), []);
      assert.deepEqual(readdirSync(runtime), []);
    } finally {
      rmSync(fake, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('weft toolexec (one Node start per tool) builds the same binary', async () => {
    const plainOut = join(mod, 'out-plain');
    const toolOut = join(mod, 'out-toolexec');
    mkdirSync(plainOut);
    const g = await run('go', ['build', '-o', plainOut + '/', './cmd/tool'], { cwd: mod, env });
    assert.equal(g.code, 0, g.stderr);
    const w = await run('go', ['build', `-toolexec=${process.execPath} ${weftBin} toolexec`, '-o', toolOut + '/', './cmd/tool'], { cwd: mod, env });
    assert.equal(w.code, 0, w.stderr);
    const a = await run(join(plainOut, 'tool'), [], { cwd: mod, env });
    const b = await run(join(toolOut, 'tool'), [], { cwd: mod, env });
    assert.equal(b.stdout, a.stdout);
    assert.equal(b.stdout, 'tool\n');
  });
});
