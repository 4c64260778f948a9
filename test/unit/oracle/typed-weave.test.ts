// Typed join points and template helpers end to end below the build: a small module
// (test/fixtures/typed) whose types are not visible where they are used (another file, another
// package, a function result, an alias, a dot import, an embedded field, a generic
// instantiation), compiled inputs from `go list -export`, the real oracle binary, and the
// weaver's two passes. Each positive case has a negative twin that must stay unwoven.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/index.js';
import { createTypeService, startOracle, weaveWithTypes, type TypeOracle } from '../../../src/oracle/index.js';
import type { ToolRequest } from '../../../src/protocol/index.js';
import { ensureOracle } from '../../../src/install/ensure-oracle.js';
import { packageRoot } from '../../../src/install/ensure-shim.js';
import { parseCompileArgs } from '../../../src/toolexec/compile-args.js';
import { weavePackage, type WeavePackageInput, type WeavePackageResult } from '../../../src/weave/index.js';
import { goEnv } from '../shim/helpers.js';

const fixture = join(packageRoot(), 'test', 'fixtures', 'typed');
const work = mkdtempSync(join(tmpdir(), 'weft-typed-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Listed { ImportPath: string; Dir: string; GoFiles?: string[]; Imports?: string[]; Export?: string }

const goenv = spawnSync('go', ['env', 'GOROOT', 'GOHOSTOS', 'GOHOSTARCH'], { encoding: 'utf8' }).stdout.trim().split('\n');
const compilePath = join(goenv[0]!, 'pkg', 'tool', `${goenv[1]}_${goenv[2]}`, 'compile');
const listed = new Map<string, Listed>();
let oracle: TypeOracle;
const checked: string[] = [];

before(async () => {
  const r = spawnSync('go', ['list', '-deps', '-export', '-json=ImportPath,Dir,GoFiles,Imports,Export', './...'], { cwd: fixture, env: goEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const chunk of r.stdout.split(/\n(?=\{)/)) {
    const p = JSON.parse(chunk) as Listed;
    listed.set(p.ImportPath, p);
  }
  oracle = startOracle({ binary: await ensureOracle({ compilePath, cacheDir: join(tmpdir(), 'weft-unit-oracle-cache') }), weftVersion: 'test' });
});
after(() => oracle.close());

async function weaveTyped(importPath: string, aspects: string): Promise<{ result: WeavePackageResult; text: string }> {
  const p = listed.get(importPath)!;
  const dir = join(work, importPath.replace(/\W/g, '_') + checked.length);
  mkdirSync(dir, { recursive: true });
  const importcfg = join(dir, 'importcfg');
  writeFileSync(importcfg, (p.Imports ?? []).map((i) => `packagefile ${i}=${listed.get(i)!.Export}\n`).join(''));
  const files = (p.GoFiles ?? []).map((f) => join(p.Dir, f));
  const args = ['-o', join(dir, '_pkg_.a'), '-p', importPath, '-lang=go1.22', '-importcfg', importcfg, '-pack', ...files];
  const cmd = parseCompileArgs(args);
  const req: ToolRequest = { t: 'tool', id: 1, tool: 'compile', path: compilePath, args, cwd: fixture, pkg: importPath, env: {}, pid: 1 };
  const configFile = join(dir, 'weft.yml');
  writeFileSync(configFile, `meta: {name: typed, description: typed cases}\naspects:\n${aspects}`);
  const config = await loadConfig(configFile);
  const service = createTypeService({
    oracle: async () => oracle,
    // Packages the compiled one does not import, from the same listing (the build uses go list -export).
    exportArchives: async (_r, _c, pkgs) => new Map(pkgs.map((x) => [x, listed.get(x)!.Export!])),
    buildFlags: [],
    onCheck: (rec) => checked.push(rec.pkg),
  });
  const input: WeavePackageInput = { importPath, toolexecImportPath: importPath, files, importcfgPackages: p.Imports ?? [], lang: 'go1.22', goVersion: 'go1.22', moduleRoot: fixture, isTestMain: false };
  const { outcome } = await weaveWithTypes(async (i) => ({ ok: true, result: await weavePackage(i, config) }), input, (q, prior) => service.answer(req, cmd, q, prior, new AbortController().signal));
  assert.ok(outcome.ok);
  // The //line markers around woven code are the weaver's business here, not the cases'.
  return { result: outcome.result, text: outcome.result.files.map((f) => f.text).join('\n').replace(/\/\*line [^*]*\*\//g, '') };
}

describe('method-call on a receiver whose type is not written at the call', () => {
  const aspect = (receiver: string, name = 'Do'): string => `  - id: calls\n    join-point:\n      method-call: {receiver: ${receiver}, name: ${name}}\n    advice:\n      wrap-expression: {template: '(/*woven*/ {{ . }})'}\n`;

  it('weaves calls on *other.Client through another file, another package, a function result, an alias, an embedded field and a dot import, not the look-alike', async () => {
    const { result, text } = await weaveTyped('example.com/typed/app', aspect('example.com/typed/other.Client'));
    for (const call of ['h.c.Do(ctx)', 'other.New().Do(ctx)', 'a.Do(ctx)', 'h.e.Client.Do(ctx)', 'c.Do(ctx)']) {
      assert.ok(text.includes(`(/*woven*/ ${call})`), `${call} woven:\n${text}`);
    }
    assert.ok(!text.includes('(/*woven*/ l.Do(1))'), 'the look-alike on *lookAlike is not woven');
    assert.ok(!text.includes('(/*woven*/ other.NewBox(1).Do(ctx))'), 'a Box is not a Client');
    assert.equal(result.warnings, undefined);
    assert.ok((result.typeInputs ?? []).some((t) => t.path === 'example.com/typed/other' && t.id.startsWith('buildid:')), JSON.stringify(result.typeInputs));
  });

  it('weaves a call on a generic instantiation under the generic type, and nothing else', async () => {
    const { text } = await weaveTyped('example.com/typed/app', aspect('example.com/typed/other.Box'));
    assert.ok(text.includes('(/*woven*/ other.NewBox(1).Do(ctx))'), text);
    assert.equal(text.match(/\/\*woven\*\//g)?.length, 1, text);
  });
});

describe('the *-implements options', () => {
  const fn = (option: string, type: string): string => `  - id: impl\n    join-point:\n      function-body:\n        function:\n          - ${option}: ${type}\n    advice:\n      prepend-statements: {template: '/*woven {{ .Function.Name }}*/'}\n`;

  it('argument-implements io.Reader: a parameter of another package\'s type that implements it, not one whose Read has another signature', async () => {
    const { text } = await weaveTyped('example.com/typed/app', fn('argument-implements', 'io.Reader'));
    assert.match(text, /woven ReadsA/);
    assert.match(text, /woven Handle2/);
    assert.doesNotMatch(text, /woven ReadsB|woven Calls|woven Fails|woven Handle\b/);
  });

  it('result-implements error: *other.MyErr does, other.Reader does not', async () => {
    const { text } = await weaveTyped('example.com/typed/app', fn('result-implements', 'error'));
    assert.match(text, /woven Fails/);
    assert.match(text, /woven Last\b/);
    assert.match(text, /woven LastNot/);
    assert.doesNotMatch(text, /woven NoFail|woven ReadsA/);
  });

  it('final-result-implements context.Context through an alias, in a package that never imports context', async () => {
    const { text } = await weaveTyped('example.com/typed/noctx', fn('final-result-implements', 'context.Context'));
    assert.match(text, /woven Ctx/);
    assert.doesNotMatch(text, /woven NotCtx/);
  });
});

describe('template helpers', () => {
  const helper = (name: string, expr: string): string => `  - id: helper\n    join-point:\n      function-body:\n        function:\n          - name: ${name}\n    advice:\n      prepend-statements: {template: '/*got {{ ${expr} }}*/'}\n`;

  it('ArgumentThatImplements "context.Context" finds c of type other.Ctx, and nothing in Handle2', async () => {
    assert.match((await weaveTyped('example.com/typed/app', helper('Handle', '.Function.ArgumentThatImplements "context.Context"'))).text, /\/\*got c\*\//);
    assert.match((await weaveTyped('example.com/typed/app', helper('Handle2', '.Function.ArgumentThatImplements "context.Context"'))).text, /\/\*got \*\//);
  });

  it('ResultThatImplements / LastResultThatImplements "error" find the *other.MyErr result', async () => {
    assert.match((await weaveTyped('example.com/typed/app', helper('Last', '.Function.ResultThatImplements "error"'))).text, /\/\*got __weft_result_1\*\/|\/\*got \w+\*\//);
    const none = (await weaveTyped('example.com/typed/app', helper('NoFail', '.Function.ResultThatImplements "error"'))).text;
    assert.match(none, /\/\*got \*\//);
    const last = (await weaveTyped('example.com/typed/app', helper('LastNot', '.Function.LastResultThatImplements "error"'))).text;
    assert.doesNotMatch(last, /\/\*got \*\//, 'LastNot has an error result (the first)');
  });

  it('FinalResultImplements "error": true for Last, false for LastNot', async () => {
    assert.match((await weaveTyped('example.com/typed/app', helper('Last', '.Function.FinalResultImplements "error"'))).text, /\/\*got true\*\//);
    assert.match((await weaveTyped('example.com/typed/app', helper('LastNot', '.Function.FinalResultImplements "error"'))).text, /\/\*got false\*\//);
  });
});

describe('what was type-checked', () => {
  it('only the packages whose join points needed types, one check per weave', () => {
    assert.deepEqual([...new Set(checked)].sort(), ['example.com/typed/app', 'example.com/typed/noctx']);
  });
});
