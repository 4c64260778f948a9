// Configuration discovery on small module trees written to disk, resolved with the real `go list`
// (local modules through `replace`, GOPROXY=off): the order orchestrion loads pinned packages in,
// cycles and duplicates loaded once, extends by directory and by import path, weft.yml and the
// tool file together, --config replacing both, the cached listing, and bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WeftError } from '../../../src/errors.js';
import { BUILTIN_ASPECTS_FILE } from '../../../src/config/index.js';
import { discoverConfiguration, loadBuildConfig, type LoadedBuildConfig } from '../../../src/weaving/prepare.js';

const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const roots: string[] = [];
after(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOWORK: 'off' };

/** Writes a tree; every `mods` entry becomes a local module example.com/<name> replaced into the main module. */
function tree(files: Record<string, string>, mods: readonly string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'weft-discovery-'));
  roots.push(root);
  const all: Record<string, string> = {
    'app/go.mod': [
      'module example.com/app', '', 'go 1.22', '',
      ...mods.map((m) => `require example.com/${m} v0.0.0`),
      ...mods.map((m) => `replace example.com/${m} => ../${m}`),
      '',
    ].join('\n'),
    'app/main.go': 'package main\n\nfunc main() {}\n',
    ...Object.fromEntries(mods.map((m) => [`${m}/go.mod`, `module example.com/${m}\n\ngo 1.22\n`])),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    const p = join(root, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

const toolFile = (...imports: string[]): string =>
  `//go:build tools\n\npackage tools\n\nimport (\n${imports.map((i) => `\t_ "${i}"`).join('\n')}\n)\n`;
const pkgFile = (name: string): string => `package ${name}\n`;
const yml = (...ids: string[]): string =>
  `meta: {name: test, description: test}\naspects:\n${ids.map((id) => `  - id: ${id}\n    join-point: {package-name: never}\n    advice: {add-blank-import: unsafe}\n`).join('')}`;

async function load(root: string, opts: { explicit?: string; cacheDir?: string | null } = {}): Promise<LoadedBuildConfig> {
  const dir = join(root, 'app');
  const discovery = discoverConfiguration({ explicit: opts.explicit, env, startDir: dir, cwd: dir });
  return loadBuildConfig({ discovery, go: 'go', dir, env, buildFlags: [], cacheDir: opts.cacheDir === undefined ? null : opts.cacheDir });
}

async function loadError(root: string): Promise<WeftError> {
  try {
    await load(root);
  } catch (e) {
    assert.ok(e instanceof WeftError, String(e));
    return e;
  }
  assert.fail('expected the configuration to be rejected');
}

const ids = (r: LoadedBuildConfig): string[] => r.config.aspects.map((a) => a.id);

describe('configuration discovery (real go list)', { skip: !hasGo && 'go is not installed' }, () => {
  it('loads weft.yml first, then the tool file\'s packages depth first (tool file, then orchestrion.yml), then the module\'s orchestrion.yml', async () => {
    const root = tree({
      'app/weft.yml': yml('weft-own'),
      'app/orchestrion.tool.go': toolFile('example.com/a', 'example.com/b'),
      'app/orchestrion.yml': yml('main-yml'),
      'a/a.go': pkgFile('a'),
      'a/orchestrion.tool.go': toolFile('example.com/c'),
      'a/orchestrion.yml': yml('a-1', 'a-2'),
      'b/b.go': pkgFile('b'),
      'b/orchestrion.yml': yml('b-1'),
      'c/c.go': pkgFile('c'),
      'c/orchestrion.yml': yml('c-1'),
    }, ['a', 'b', 'c']);
    const r = await load(root);
    assert.deepEqual(ids(r), ['weft-own', 'c-1', 'a-1', 'a-2', 'b-1', 'main-yml']);
    assert.equal(r.goListRuns, 1, 'nested tool files are resolved by the same go list');
    const sources = r.config.sources!.map((s) => [s.kind, s.file.slice(root.length + 1), s.aspects]);
    assert.deepEqual(sources, [
      ['yaml', 'app/weft.yml', 1],
      ['tool-file', 'app/orchestrion.tool.go', 0],
      ['tool-file', 'a/orchestrion.tool.go', 0],
      ['yaml', 'c/orchestrion.yml', 1],
      ['yaml', 'a/orchestrion.yml', 2],
      ['yaml', 'b/orchestrion.yml', 1],
      ['yaml', 'app/orchestrion.yml', 1],
    ]);
    assert.match(r.config.sources![3]!.via, /package example\.com\/c, imported at .*a\/orchestrion\.tool\.go:6/);
  });

  it('loads a package reached twice, or through a cycle of tool files, once', async () => {
    const root = tree({
      'app/orchestrion.tool.go': toolFile('example.com/a', 'example.com/b'),
      'a/a.go': pkgFile('a'),
      'a/orchestrion.tool.go': toolFile('example.com/b', 'example.com/c'),
      'a/orchestrion.yml': yml('a-1'),
      'b/b.go': pkgFile('b'),
      'b/orchestrion.tool.go': toolFile('example.com/a', 'example.com/c'),
      'b/orchestrion.yml': yml('b-1'),
      'c/c.go': pkgFile('c'),
      'c/orchestrion.yml': yml('c-1'),
    }, ['a', 'b', 'c']);
    const r = await load(root);
    // As orchestrion: a's tool file is being read when b's tool file imports a again, so that visit
    // loads only a's orchestrion.yml (first), then c, then b's own file; c and a are not loaded again.
    assert.deepEqual(ids(r), ['a-1', 'c-1', 'b-1']);
    assert.equal(new Set(r.config.files).size, r.config.files.length);
  });

  it('extends a directory as a Go package and weft.yml extends a package by import path', async () => {
    const root = tree({
      'app/weft.yml': 'meta: {name: t, description: t}\nextends: [example.com/a/more]\n',
      'a/a.go': pkgFile('a'),
      'a/more/more.go': pkgFile('more'),
      'a/more/orchestrion.yml': 'meta: {name: t, description: t}\nextends: [./sub]\naspects:\n  - id: more-1\n    join-point: {package-name: never}\n    advice: {add-blank-import: unsafe}\n',
      'a/more/sub/orchestrion.tool.go': toolFile('example.com/b'),
      'a/more/sub/orchestrion.yml': yml('sub-1'),
      'b/b.go': pkgFile('b'),
      'b/orchestrion.yml': yml('b-1'),
    }, ['a', 'b']);
    const r = await load(root);
    assert.deepEqual(ids(r), ['b-1', 'sub-1', 'more-1']);
  });

  it('pinning github.com/DataDog/orchestrion loads the built-in aspects without running go list', async () => {
    const root = tree({ 'app/orchestrion.tool.go': toolFile('github.com/DataDog/orchestrion') });
    const r = await load(root);
    assert.equal(r.goListRuns, 0);
    assert.deepEqual(ids(r), ['built.WithOrchestrion', 'built.WithOrchestrionVersion']);
    assert.ok(r.config.aspects.every((a) => a.tracerInternal === true));
    assert.equal(r.config.sources![1]!.file, BUILTIN_ASPECTS_FILE);
    assert.equal(r.config.sources![1]!.kind, 'built-in');
  });

  it('--config replaces weft.yml and the tool file', async () => {
    const root = tree({
      'app/weft.yml': yml('weft-own'),
      'app/other.yml': yml('other'),
      'app/orchestrion.tool.go': toolFile('github.com/DataDog/orchestrion'),
    });
    assert.deepEqual(ids(await load(root)), ['weft-own', 'built.WithOrchestrion', 'built.WithOrchestrionVersion']);
    assert.deepEqual(ids(await load(root, { explicit: 'other.yml' })), ['other']);
  });

  it('caches the listing: a second load runs no go list; a changed tool file lists again', async () => {
    const root = tree({
      'app/orchestrion.tool.go': toolFile('example.com/a'),
      'a/a.go': pkgFile('a'),
      'a/orchestrion.yml': yml('a-1'),
      'b/b.go': pkgFile('b'),
      'b/orchestrion.yml': yml('b-1'),
    }, ['a', 'b']);
    const cacheDir = join(root, 'cache');
    assert.equal((await load(root, { cacheDir })).goListRuns, 1);
    const second = await load(root, { cacheDir });
    assert.equal(second.goListRuns, 0);
    assert.deepEqual(ids(second), ['a-1']);
    writeFileSync(join(root, 'app/orchestrion.tool.go'), toolFile('example.com/a', 'example.com/b'));
    const third = await load(root, { cacheDir });
    assert.equal(third.goListRuns, 1);
    assert.deepEqual(ids(third), ['a-1', 'b-1']);
  });

  it('caches the resolved configuration: used while every file read is unchanged and every file looked for is still absent', async () => {
    const root = tree({
      'app/orchestrion.tool.go': toolFile('example.com/a'),
      'a/a.go': pkgFile('a'),
      'a/orchestrion.yml': yml('a-1'),
      'b/b.go': pkgFile('b'),
      'b/orchestrion.yml': yml('b-1'),
    }, ['a', 'b']);
    const cacheDir = join(root, 'cache');
    const first = await load(root, { cacheDir });
    assert.equal(first.cached, false);
    const second = await load(root, { cacheDir });
    assert.equal(second.cached, true);
    assert.deepEqual(second.config, first.config);
    // a package's tool file that did not exist appears: the configuration is read again
    writeFileSync(join(root, 'a/orchestrion.tool.go'), toolFile('example.com/b'));
    const third = await load(root, { cacheDir });
    assert.equal(third.cached, false);
    assert.deepEqual(ids(third), ['b-1', 'a-1']);
    assert.equal((await load(root, { cacheDir })).cached, true);
    // a pinned file changes
    writeFileSync(join(root, 'b/orchestrion.yml'), yml('b-2'));
    const fifth = await load(root, { cacheDir });
    assert.equal(fifth.cached, false);
    assert.deepEqual(ids(fifth), ['b-2', 'a-1']);
  });

  it('caches a weft.yml configuration too (no YAML parsing while it is unchanged); an edit is read again', async () => {
    const root = tree({ 'app/weft.yml': yml('own-1'), 'app/main.go': pkgFile('main') });
    const cacheDir = join(root, 'cache');
    const first = await load(root, { cacheDir });
    assert.deepEqual([first.cached, ids(first)], [false, ['own-1']]);
    const second = await load(root, { cacheDir });
    assert.equal(second.cached, true);
    assert.deepEqual(second.config, first.config);
    writeFileSync(join(root, 'app/weft.yml'), yml('own-2'));
    const third = await load(root, { cacheDir });
    assert.deepEqual([third.cached, ids(third)], [false, ['own-2']]);
  });

  it('a checkout restored at another path finds the cached listing and configuration, with its own paths; an edit there still loads again', async () => {
    const root = tree({
      'app/orchestrion.tool.go': toolFile('example.com/app/integ'),
      'app/integ/integ.go': pkgFile('integ'),
      'app/integ/orchestrion.yml': yml('integ-1'),
    });
    const cacheDir = mkdtempSync(join(tmpdir(), 'weft-discovery-cache-'));
    roots.push(cacheDir);
    const first = await load(root, { cacheDir });
    assert.deepEqual([first.cached, first.goListRuns], [false, 1]);
    const moved = mkdtempSync(join(tmpdir(), 'weft-discovery-moved-'));
    roots.push(moved);
    cpSync(root, moved, { recursive: true });
    rmSync(root, { recursive: true, force: true });
    const second = await load(moved, { cacheDir });
    assert.deepEqual([second.cached, second.goListRuns], [true, 0]);
    assert.deepEqual(ids(second), ['integ-1']);
    assert.ok(second.config.files.includes(join(moved, 'app', 'integ', 'orchestrion.yml')), second.config.files.join(' '));
    assert.ok(second.config.files.every((f) => !f.startsWith(root)), second.config.files.join(' '));
    assert.equal(second.config.fingerprint, first.config.fingerprint);
    // Files are compared by content at the new path: an edit is read.
    writeFileSync(join(moved, 'app/integ/orchestrion.yml'), yml('integ-2'));
    const third = await load(moved, { cacheDir });
    assert.equal(third.cached, false);
    assert.deepEqual(ids(third), ['integ-2']);
  });

  it('a fingerprint covers every loaded file: editing a pinned package\'s orchestrion.yml changes it', async () => {
    const root = tree({ 'app/orchestrion.tool.go': toolFile('example.com/a'), 'a/a.go': pkgFile('a'), 'a/orchestrion.yml': yml('a-1') }, ['a']);
    const before = (await load(root)).config.fingerprint;
    writeFileSync(join(root, 'a/orchestrion.yml'), yml('a-1').replace('never', 'other'));
    assert.notEqual((await load(root)).config.fingerprint, before);
  });
});

describe('configuration discovery: bad input', { skip: !hasGo && 'go is not installed' }, () => {
  it('a tool file that does not parse', async () => {
    const root = tree({ 'app/orchestrion.tool.go': '//go:build tools\n\npackage tools\n\nimport (\n\t_ "example.com/a\n)\n' });
    const e = await loadError(root);
    assert.equal(e.code, 'E_CONFIG_INVALID');
    const detail = e.details!.join('\n');
    assert.match(detail, new RegExp(`${root}/app/orchestrion.tool.go:6: <document>: the file does not parse as Go: string literal not terminated`));
  });

  it('an import that is not in go.mod names the file, line, import and the go get to run', async () => {
    const root = tree({ 'app/orchestrion.tool.go': toolFile('github.com/DataDog/orchestrion', 'example.com/missing/pkg') });
    const e = await loadError(root);
    const detail = e.details!.join('\n');
    assert.match(detail, /app\/orchestrion\.tool\.go:7: import "example\.com\/missing\/pkg": cannot resolve the Go package "example\.com\/missing\/pkg": .*; add it to the main module with `go get example\.com\/missing\/pkg`/);
  });

  it('a pinned package whose orchestrion.yml is invalid: its file, YAML path, and how it was reached', async () => {
    const root = tree({
      'app/orchestrion.tool.go': toolFile('example.com/a'),
      'a/a.go': pkgFile('a'),
      'a/orchestrion.yml': 'meta: {name: t, description: t}\naspects:\n  - id: x\n    join-point: {package-name: never}\n    advice: {add-blank-import: unsafe}\n    weave-harder: true\n',
    }, ['a']);
    const e = await loadError(root);
    const detail = e.details!.join('\n');
    assert.match(detail, /a\/orchestrion\.yml:6: aspects\[0\]: unknown key `weave-harder`.*\(package example\.com\/a, imported at .*app\/orchestrion\.tool\.go:6\)/);
    assert.match(e.hint ?? '', /orchestrion v1\.8\.0 and dd-trace-go v2\.6\.0/);
  });
});
