// `weft explain --config` through the real CLI entry: the files a build would load, in order,
// with how each was reached and its aspect count.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../../src/cli/index.js';

const root = mkdtempSync(join(tmpdir(), 'weft-explain-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function explain(dir: string, argv: string[] = ['explain', '--config']): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env: NodeJS.ProcessEnv = { ...process.env, WEFT_CACHE: join(root, 'cache'), GOFLAGS: '', GOPROXY: 'off' };
  delete env['WEFT_CONFIG'];
  const code = await main(argv, { env, cwd: dir, stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('weft explain --config', () => {
  it('lists weft.yml, then the tool file and what its imports gave', async () => {
    const app = join(root, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
    writeFileSync(join(app, 'weft.yml'), 'meta: {name: t, description: t}\naspects:\n  - id: mine\n    join-point: {package-name: x}\n    advice: {add-blank-import: unsafe}\n');
    writeFileSync(join(app, 'orchestrion.tool.go'), '//go:build tools\n\npackage tools\n\nimport _ "github.com/DataDog/orchestrion"\n');
    const r = await explain(app);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^3 files loaded, 3 aspects in all \(fingerprint [0-9a-f]{16}\)$/);
    assert.equal(lines[1], `user configuration: weft.yml: ${join(app, 'weft.yml')}`);
    assert.match(lines[2]!, /^orchestrion configuration of the main module: .*app \(packages found in the cache\)$/);
    assert.equal(lines[3], `1. ${join(app, 'weft.yml')}: 1 aspect — weft.yml`);
    assert.equal(lines[4], `2. ${join(app, 'orchestrion.tool.go')}: imports — main module`);
    assert.match(lines[5]!, /^3\. {3}.*aspects\/orchestrion-builtin\.yml \(weft's copy of orchestrion's built-in aspects\): 2 aspects — package github\.com\/DataDog\/orchestrion, imported at .*orchestrion\.tool\.go:5$/);
    assert.deepEqual(lines.slice(6), [
      'integrations: 2, 0 off',
      '  on  weft.yml (1 aspect): on by default',
      '  on  github.com/DataDog/orchestrion (2 aspects): on by default',
    ]);
  });

  it('lists each integration on or off with the weft.yml line that switched it', async () => {
    const app = join(root, 'switched');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
    writeFileSync(join(app, 'weft.yml'), 'integrations:\n  disable: [github.com/DataDog/orchestrion]\n');
    writeFileSync(join(app, 'orchestrion.tool.go'), '//go:build tools\n\npackage tools\n\nimport _ "github.com/DataDog/orchestrion"\n');
    const r = await explain(app);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^3 files loaded, 0 aspects on, 2 switched off \(fingerprint [0-9a-f]{16}\)$/);
    assert.deepEqual(lines.slice(-2), [
      'integrations: 1, 1 off',
      `  off github.com/DataDog/orchestrion (2 aspects): disabled by integrations.disable[0] at ${join(app, 'weft.yml')}:2`,
    ]);
  });

  it('says when there is nothing to load, and needs --config', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'go.mod'), 'module example.com/empty\n\ngo 1.22\n');
    const r = await explain(empty);
    assert.equal(r.code, 0);
    assert.match(r.out, /^no configuration: /);
    const bare = await explain(empty, ['explain']);
    assert.equal(bare.code, 2);
    assert.match(bare.err, /`weft explain` needs a package, a file or --config/);
  });
});
