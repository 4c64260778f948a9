// Build-time switches end to end: a module pinning a local bundle of two integrations (greet and
// count, test/e2e/fixtures/pin/bundle, through replace) builds with `weft go build` while weft.yml
// switches one off. Its spans are gone, the other's remain, and its runtime package is not
// compiled: the test plants a compile error in it, which fails the build as soon as it is on.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasGo, makeTestEnv, repoRoot, run, runWeft } from './helpers.js';

const FIXTURE = join(repoRoot, 'test', 'e2e', 'fixtures', 'pin');

describe('integration switches in weft.yml (weft go build, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let app = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'weft-e2e-switches-'));
    cpSync(join(FIXTURE, 'bundle'), join(root, 'bundle'), { recursive: true });
    app = join(root, 'app');
    cpSync(join(FIXTURE, 'app'), app, { recursive: true });
    mkdirSync(join(root, 'dep'));
    writeFileSync(join(root, 'dep', 'go.mod'), 'module example.com/dep\n\ngo 1.21\n');
    writeFileSync(join(root, 'dep', 'dep.go'), 'package dep\n\nfunc Version() string { return "local" }\n');
    writeFileSync(join(app, 'go.mod'), [
      'module example.com/app', '', 'go 1.24', '',
      'require example.com/bundle v0.0.0', '', 'require example.com/dep v1.2.0 // indirect', '',
      'replace (', '\texample.com/bundle => ../bundle', '\texample.com/dep => ../dep', ')', '',
    ].join('\n'));
    writeFileSync(join(app, 'orchestrion.tool.go'), '//go:build tools\n\npackage tools\n\nimport _ "example.com/bundle/all" // integration\n');
    // The count integration's runtime does not compile: a build that compiles it fails.
    writeFileSync(join(root, 'bundle', 'count', 'broken.go'), 'package count\n\nvar _ int = "count was compiled"\n');
    ({ env, cleanup } = makeTestEnv('switches'));
    env = { ...env, WEFT_CACHE: join(root, 'weft-cache') };
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  const weft = (args: string[]) => runWeft(args, { cwd: app, env, timeoutMs: 300_000 });

  async function fingerprint(): Promise<string> {
    const v = await weft(['version', '--json']);
    assert.equal(v.code, 0, v.stderr);
    return (JSON.parse(v.stdout) as { fingerprint: string }).fingerprint;
  }

  async function build(name: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
    const exe = join(root, 'bin', name);
    const b = await weft(['go', 'build', '-o', exe, '.']);
    if (b.code !== 0) return { code: b.code, stderr: b.stderr, stdout: '' };
    const r = await run(exe, [], { cwd: app, env });
    assert.equal(r.code, 0, r.stderr);
    return { code: 0, stderr: b.stderr, stdout: r.stdout };
  }

  it('count switched off: its spans are gone, greet\'s remain, and count\'s package is never compiled', async () => {
    const on = await fingerprint();
    writeFileSync(join(app, 'weft.yml'), '# count is not wanted here\nintegrations:\n  disable: [count]\n');
    const off = await fingerprint();
    assert.notEqual(off, on, 'switching an integration off changes the fingerprint');
    const b = await build('count-off');
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, 'span: greet (dep local)\nhello weft\n42\n');

    const explain = await weft(['explain', '--config']);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /^ {2}on {2}example\.com\/bundle\/greet \(1 aspect\): on by default$/m);
    const pkg = await weft(['explain', '.']);
    assert.equal(pkg.code, 0, pkg.stderr);
    assert.match(pkg.stdout, /; 1 aspects \(1 more switched off by weft\.yml's integrations: weft explain --config lists them\)$/m);
    assert.match(pkg.stdout, /aspect greet-span .*: WOVEN/);
    assert.doesNotMatch(pkg.stdout, /count-span/);
    assert.match(explain.stdout, new RegExp(`^  off example\\.com/bundle/count \\(1 aspect\\): disabled by integrations\\.disable\\[0\\] at ${join(app, 'weft.yml').replace(/[.]/g, '\\.')}:3$`, 'm'));
  });

  it('the same build with count on compiles count\'s package (the planted error fails it): the switch is what kept it out', async () => {
    rmSync(join(app, 'weft.yml'));
    const b = await build('count-on');
    assert.notEqual(b.code, 0, 'count\'s package was compiled and its error failed the build');
    assert.match(b.stderr, /count was compiled/);
  });

  it('a single aspect off by id: greet\'s span is gone, count\'s remains', async () => {
    rmSync(join(root, 'bundle', 'count', 'broken.go'));
    writeFileSync(join(app, 'weft.yml'), 'integrations:\n  disable:\n    - greet-span\n');
    const b = await build('greet-off');
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, 'hello weft\nspan: count\n42\n');
  });

  it('an unknown name fails the build before go runs, with the file, line and the known names', async () => {
    writeFileSync(join(app, 'weft.yml'), 'integrations:\n  disable:\n    - cuont\n');
    const b = await weft(['go', 'build', '-o', join(root, 'bin', 'bad'), '.']);
    assert.equal(b.code, 2, b.stderr);
    assert.match(b.stderr, /weft\.yml:3: integrations\.disable\[0\]: no integration or aspect id `cuont` \(did you mean `count`\?\); known integrations: example\.com\/bundle\/count, example\.com\/bundle\/greet; aspect ids: count-span, greet-span/);
  });
});
