// go's own flags keep working under `weft go`: -n (print, build nothing), -x (print and build),
// -a -work (rebuild everything, keep $WORK), and build tags given through GOFLAGS. Each build's
// result is compared with plain go's on the same fixture.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILD_MODES, copyFixture, hasGo, makeTestEnv, run, runWeftGo as runWeftGoAnyMode, type RunOptions } from './helpers.js';

for (const mode of BUILD_MODES) describe(`go flags under weft go (real go) [${mode}]`, { skip: !hasGo && 'go is not installed' }, () => {
  /** `weft go` in this describe's mode; a build that ran says which pipeline it used. */
  async function runWeftGo(args: readonly string[], opts: RunOptions) {
    // The overlay pass runs in auto mode: with no aspects, auto must pick overlay (plain go).
    const r = await runWeftGoAnyMode(args, { ...opts, env: { ...opts.env, WEFT_MODE: mode === 'overlay' ? 'auto' : mode } });
    assert.equal(r.stats.mode?.name, mode);
    return r;
  }
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-goflags-out-'));

  before(() => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('goflags'));
    // A file that only a build with the tag compiles: it changes what the app prints.
    writeFileSync(
      join(mod, 'cmd', 'app', 'tagged.go'),
      '//go:build weftextra\n\npackage main\n\nimport "fmt"\n\nfunc init() { fmt.Println("tag: weftextra") }\n',
    );
  });

  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('-n prints the commands (through the shim unless an overlay build) and builds nothing', async () => {
    const bin = join(out, 'app-n');
    const r = await runWeftGo(['build', '-n', '-o', bin, './cmd/app'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'weft go must not write to stdout');
    if (mode === 'overlay') assert.doesNotMatch(r.stderr, /weft-shim|-toolexec/, 'an overlay build runs no tool through the shim');
    else assert.match(r.stderr, /weft-shim/, 'the printed commands run tools through the shim');
    assert.equal(existsSync(bin), false, '-n must not build');
    assert.equal(r.stats.compileRequests, 0);
  });

  it('-x prints the commands and builds a working binary', async () => {
    const bin = join(out, 'app-x');
    const r = await runWeftGo(['build', '-x', '-o', bin, './cmd/app'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    if (mode === 'overlay') {
      assert.doesNotMatch(r.stderr, /weft-shim/, 'an overlay build runs no tool through the shim');
      assert.equal(r.stats.shim, null);
    } else assert.match(r.stderr, /weft-shim[^\n]*compile/, '-x shows compile run through the shim');
    const app = await run(bin, ['gopher'], { cwd: mod, env });
    assert.equal(app.code, 0, app.stderr);
    assert.match(app.stdout, /hello, gopher/);
    assert.doesNotMatch(app.stdout, /tag: weftextra/);
  });

  it('-a -work recompiles every dependency through weft and keeps $WORK', async () => {
    const r = await runWeftGo(['build', '-a', '-work', './internal/shapes'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    const work = /^WORK=(.+)$/m.exec(r.stderr)?.[1];
    assert.ok(work !== undefined, `no WORK= line in:\n${r.stderr}`);
    try {
      assert.ok(existsSync(work), '-work keeps the work directory');
      // shapes imports math: -a compiles it and its std dependencies again, each through the shim;
      // a planned build with no aspects sends none of them to the server.
      if (mode === 'toolexec') assert.ok(r.stats.compileRequests >= 3, `only ${r.stats.compileRequests} compile requests reached weft`);
      else if (mode === 'overlay') assert.deepEqual([r.stats.compileRequests, r.stats.shim], [0, null], 'no shim, nothing asked');
      else {
        assert.equal(r.stats.compileRequests, 0);
        assert.ok((r.stats.shim?.byToolKind['compile exec'] ?? 0) >= 3, JSON.stringify(r.stats.shim));
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('build tags from GOFLAGS reach the build', async () => {
    const tagged = { ...env, GOFLAGS: '-tags=weftextra' };
    const plainBin = join(out, 'app-plain-tag');
    const weftBin = join(out, 'app-weft-tag');
    const p = await run('go', ['build', '-o', plainBin, './cmd/app'], { cwd: mod, env: tagged });
    assert.equal(p.code, 0, p.stderr);
    const w = await runWeftGo(['build', '-o', weftBin, './cmd/app'], { cwd: mod, env: tagged });
    assert.equal(w.code, 0, w.stderr);
    const plainRun = await run(plainBin, ['gopher'], { cwd: mod, env });
    const weftRun = await run(weftBin, ['gopher'], { cwd: mod, env });
    assert.match(plainRun.stdout, /tag: weftextra/);
    assert.equal(weftRun.stdout, plainRun.stdout);
  });
});
