// Discovery end to end: a module with no weft.yml whose orchestrion.tool.go pins two local packages
// (through `replace`) carrying orchestrion.yml files that reuse one aspect id, and
// github.com/DataDog/orchestrion (a local stand-in of its runtime/built package). `weft go build`
// must weave both packages' aspects and the built-in ones, and the binary shows it. A second build
// pays no go list for discovery; a tool file naming a package that is not in go.mod fails with
// exit 2 and writes nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeft } from './helpers.js';

describe('configuration discovery (weft go build, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let app = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const logs = mkdtempSync(join(tmpdir(), 'weft-e2e-discovery-logs-'));

  before(() => {
    root = copyFixture('discovery');
    app = join(root, 'app');
    ({ env, cleanup } = makeTestEnv('discovery'));
    // A private weft cache: the listing cache must start empty for the first build.
    env = { ...env, WEFT_CACHE: join(root, 'weft-cache') };
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
    rmSync(logs, { recursive: true, force: true });
  });

  async function build(name: string): Promise<{ code: number | null; stderr: string; log: string; exe: string }> {
    const exe = join(root, 'bin', name);
    const logFile = join(logs, name);
    const r = await runWeft(['go', 'build', '-o', exe, '.'], { cwd: app, env: { ...env, WEFT_LOG: 'debug', WEFT_LOG_FILE: logFile }, timeoutMs: 300_000 });
    return { code: r.code, stderr: r.stderr, log: existsSync(logFile) ? readFileSync(logFile, 'utf8') : '', exe };
  }

  it('weaves the pinned package\'s aspects and orchestrion\'s built-ins with no weft.yml', async () => {
    assert.ok(!existsSync(join(app, 'weft.yml')));
    const plain = join(root, 'bin', 'plain');
    const p = await run('go', ['build', '-o', plain, '.'], { cwd: app, env });
    assert.equal(p.code, 0, p.stderr);
    assert.equal((await run(plain, [], { cwd: app, env })).stdout.split('\n')[0], 'work: 42', 'the plain build is not woven');

    const b = await build('woven');
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.log, /orchestrion configuration of .*: 4 files, 5 aspects, 1 go list runs/);
    const out = await run(b.exe, [], { cwd: app, env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, [
      // Both pinned packages inject a func init() from an aspect named `func main()`.
      'started: tracer',
      'started: profiler',
      'traced: work',
      'work: 42',
      'built.WithOrchestrion: true',
      'built.WithOrchestrionVersion set: true',
      'enabled: true legacy: true',
      'version matches: true',
      '',
    ].join('\n'));
  });

  it('a second build finds the pinned packages in the cache: no go list for discovery', async () => {
    const b = await build('again');
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.log, /orchestrion configuration of .*: 4 files, 5 aspects, 0 go list runs/);
  });

  it('a tool file importing a package that is not in go.mod: exit 2, one error naming the file, import and go get; nothing written', async () => {
    const toolFile = join(app, 'orchestrion.tool.go');
    const original = readFileSync(toolFile, 'utf8');
    const gomod = readFileSync(join(app, 'go.mod'), 'utf8');
    writeFileSync(toolFile, original.replace('_ "github.com/DataDog/orchestrion"', '_ "github.com/DataDog/orchestrion"\n\t_ "example.com/not/required"'));
    try {
      const b = await build('bad');
      assert.equal(b.code, 2, b.stderr);
      assert.match(b.stderr, /orchestrion\.tool\.go:12: import "example\.com\/not\/required": cannot resolve the Go package .*`go get example\.com\/not\/required`/);
      assert.ok(!existsSync(b.exe), 'nothing is built');
      assert.equal(readFileSync(join(app, 'go.mod'), 'utf8'), gomod, 'go.mod is untouched');
    } finally {
      writeFileSync(toolFile, original);
    }
  });
});
