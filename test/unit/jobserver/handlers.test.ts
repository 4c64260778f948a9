// The compile handler: unchanged compiles keep their exact arguments; woven files land in the
// compile's own $WORK/bNNN directory and replace their originals in the argument list.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { emptyConfig } from '../../../src/config/index.js';
import type { ToolRequest } from '../../../src/protocol/index.js';
import { buildWeaveInput } from '../../../src/weaving/weave-input.js';
import { handleToolRequest } from '../../../src/jobserver/index.js';
import { createBuildContext, type WeaverHook } from '../../../src/weaving/index.js';
import type { WeavePackageResult } from '../../../src/weave/api.js';

const root = mkdtempSync(join(tmpdir(), 'weft-handlers-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fixture(name: string): { work: string; src: string; req: ToolRequest } {
  const work = join(root, name, 'b001');
  const src = join(root, name, 'src');
  mkdirSync(work, { recursive: true });
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'a.go'), 'package p\n');
  writeFileSync(join(src, 'b.go'), 'package p\n');
  writeFileSync(join(work, 'importcfg'), '# import config\npackagefile fmt=/c/fmt.a\nimportmap old=new\npackagefile new=/c/new.a\n');
  const args = ['-o', join(work, '_pkg_.a'), '-trimpath', `${work}=>`, '-p', 'example.com/p', '-lang=go1.21', '-complete', '-importcfg', join(work, 'importcfg'), '-pack', join(src, 'a.go'), join(src, 'b.go')];
  return { work, src, req: { t: 'tool', id: 1, tool: 'compile', path: '/go/compile', args, cwd: src, pkg: 'example.com/p', env: {}, pid: 1 } };
}

function result(over: Partial<WeavePackageResult>): WeavePackageResult {
  return { files: [], extraFiles: [], addedImports: [], linkDeps: [], lang: '', aspects: [], stats: { filesScanned: 0, filesParsed: 0, filesWoven: 0, nodesWoven: 0, scanMicros: 0, parseMicros: 0, weaveMicros: 0 }, ...over };
}

const signal = new AbortController().signal;

describe('compile handler', () => {
  it('with no weaver answers every compile with its own arguments (same array)', async () => {
    const { req } = fixture('plain');
    const ctx = createBuildContext({ config: emptyConfig() });
    const handled = await handleToolRequest(ctx, req, signal);
    assert.equal(handled.outcome, 'unchanged');
    assert.equal(handled.plan.args, req.args);
    assert.equal(handled.plan.append, undefined);
  });

  it('writes woven files into the compile work dir and substitutes them; extra files are appended; -lang raised', async () => {
    const { req, work, src } = fixture('woven');
    const weaver: WeaverHook = async (_req, cmd) => {
      assert.equal(cmd.packagePath, 'example.com/p');
      return result({ files: [{ original: join(src, 'b.go'), text: '//line b.go:1:1\npackage p // woven\n' }], extraFiles: [{ name: 'weft_links.go', text: 'package p\n' }], lang: 'go1.22' });
    };
    const ctx = createBuildContext({ config: emptyConfig(), weaver });
    const handled = await handleToolRequest(ctx, req, signal);
    assert.equal(handled.outcome, 'woven');
    const args = handled.plan.args;
    assert.equal(args.length, req.args.length + 1);
    assert.equal(args[args.length - 3], join(src, 'a.go'), 'untouched file stays');
    const woven = args[args.length - 2]!;
    const extra = args[args.length - 1]!;
    assert.ok(woven.startsWith(work + '/') && woven.endsWith('b.go'), woven);
    assert.equal(readFileSync(woven, 'utf8'), '//line b.go:1:1\npackage p // woven\n');
    assert.ok(extra.startsWith(work + '/') && extra.endsWith('weft_links.go'));
    assert.notEqual(woven, extra);
    assert.ok(args.includes('-lang=go1.22') && !args.includes('-lang=go1.21'));
  });

  it('a weaver result with no files counts as unchanged', async () => {
    const { req } = fixture('empty');
    const ctx = createBuildContext({ config: emptyConfig(), weaver: async () => result({}) });
    const handled = await handleToolRequest(ctx, req, signal);
    assert.equal(handled.outcome, 'unchanged');
    assert.equal(handled.plan.args, req.args);
  });

  it('the importcfg hook sees every compile and may replace the plan', async () => {
    const { req, work } = fixture('hook');
    const seen: string[] = [];
    const ctx = createBuildContext({ config: emptyConfig() });
    ctx.importcfg = async ({ cmd, plan, workDir, result: r }) => {
      seen.push(cmd.packagePath);
      assert.equal(workDir, work);
      assert.equal(r, null);
      return { args: plan.args.map((a) => (a.endsWith('importcfg') ? join(workDir, 'importcfg.weft') : a)), append: [{ archive: cmd.output, name: 'weft.linkdeps', data: new Uint8Array([1, 2]) }] };
    };
    const handled = await handleToolRequest(ctx, req, signal);
    assert.deepEqual(seen, ['example.com/p']);
    assert.equal(handled.outcome, 'woven');
    assert.ok(handled.plan.args.includes(join(work, 'importcfg.weft')));
    assert.equal(handled.plan.append?.[0]?.name, 'weft.linkdeps');
  });

  it('keeps using a response file when the go command used one', async () => {
    const { req, work, src } = fixture('rsp');
    const rsp = join(work, 'args.rsp');
    writeFileSync(rsp, req.args.join('\n') + '\n');
    const rspReq = { ...req, args: [`@${rsp}`] };
    const ctx = createBuildContext({ config: emptyConfig(), weaver: async () => result({ files: [{ original: join(src, 'a.go'), text: 'package p\n' }] }) });
    const handled = await handleToolRequest(ctx, rspReq, signal);
    assert.equal(handled.plan.args.length, 1);
    const file = handled.plan.args[0]!.slice(1);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, req.args.length);
    assert.ok(lines.some((l) => l.startsWith(join(work, 'weft-'))));
  });

  it('a weaver returning a file that is not in the compile is an internal error', async () => {
    const { req } = fixture('bad');
    const ctx = createBuildContext({ config: emptyConfig(), weaver: async () => result({ files: [{ original: '/elsewhere/x.go', text: '' }] }) });
    await assert.rejects(handleToolRequest(ctx, req, signal), /not a source file of the compile of example\.com\/p/);
  });

  it('link requests are answered with their own args without a linker hook', async () => {
    const ctx = createBuildContext({ config: emptyConfig() });
    const req: ToolRequest = { t: 'tool', id: 2, tool: 'link', path: '/go/link', args: ['-o', '/w/exe/a.out', '/w/b001/_pkg_.a'], cwd: '/', pkg: 'example.com/cmd', env: {}, pid: 1 };
    const handled = await handleToolRequest(ctx, req, signal);
    assert.equal(handled.plan.args, req.args);
    ctx.linker = async (r) => ({ args: [...r.args, '-X'] });
    assert.deepEqual((await handleToolRequest(ctx, req, signal)).plan.args.at(-1), '-X');
  });

  it('builds the weaver input from the request, importcfg and build facts', async () => {
    const { req } = fixture('input');
    const ctx = createBuildContext({ config: emptyConfig(), goVersion: 'go1.26.8', moduleRoot: '/m' });
    const { parseCompileArgs } = await import('../../../src/toolexec/compile-args.js');
    const input = await buildWeaveInput(ctx, req, parseCompileArgs(req.args));
    assert.equal(input.importPath, 'example.com/p');
    assert.deepEqual(input.importcfgPackages, ['fmt', 'old', 'new']);
    assert.equal(input.lang, 'go1.21');
    assert.equal(input.goVersion, 'go1.26.8');
    assert.equal(input.isTestMain, false);
    assert.equal(input.files.length, 2);
  });
});

describe('compile without sources', () => {
  it('is answered unchanged without parsing (nothing to weave)', async () => {
    const ctx = createBuildContext({ config: emptyConfig(), weaver: async () => assert.fail('the weaver must not be called') });
    const req: ToolRequest = { t: 'tool', id: 1, tool: 'compile', path: '/go/compile', args: ['-V'], cwd: '/', pkg: '', env: {}, pid: 1 };
    const handled = await handleToolRequest(ctx, req, signal);
    assert.equal(handled.plan.args, req.args);
  });
});
