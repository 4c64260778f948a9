import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGoCommand } from '../../../src/toolexec/go-command-line.js';
import { DEFAULT_NAMESPACE } from '../../../src/config/advice/common.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injector, aspectsInjecting, linkDepsSource, LINK_DEPS_FILE } from '../../../src/resolve/inject.js';
import type { GoListOptions, GoListResult } from '../../../src/resolve/go-list.js';
import { parseCompileArgs } from '../../../src/toolexec/compile-args.js';
import { appendArchiveMember } from '../../../src/toolexec/archive.js';
import { decodeLinkDeps, encodeLinkDeps, LINK_DEPS_MEMBER } from '../../../src/toolexec/link-deps.js';
import { parseImportcfg } from '../../../src/toolexec/importcfg.js';
import type { ResolvedConfig } from '../../../src/config/types.js';
import type { ToolRequest } from '../../../src/protocol/messages.js';
import type { WeavePackageResult } from '../../../src/weave/api.js';
import { WeftError } from '../../../src/errors.js';
import { compilePackage, makeTempDir } from '../toolexec/go-helpers.js';

const config: ResolvedConfig = { files: [], aspects: [], injectedPackages: ['example.com/hook', 'example.com/rt'], fingerprint: 'f' };

function setup() {
  const t = makeTempDir('inject');
  const rt = compilePackage(t.dir, 'example.com/rt', 'rt', 'package rt\nfunc Record(string) {}\n');
  const hook = compilePackage(t.dir, 'example.com/hook', 'hook', 'package hook\nfunc Record(string) {}\n');
  const dep = compilePackage(t.dir, 'example.com/dep', 'dep', 'package dep\nfunc F() {}\n');
  appendArchiveMember(dep, LINK_DEPS_MEMBER, encodeLinkDeps({ imports: ['example.com/rt'], linknames: ['example.com/hook'] }));
  const calls: { patterns: string[]; export: boolean }[] = [];
  const goList = async (patterns: readonly string[], o: GoListOptions): Promise<GoListResult> => {
    calls.push({ patterns: [...patterns], export: o.export });
    const exports: Record<string, string> = { 'example.com/rt': rt, 'example.com/hook': hook };
    return {
      packages: patterns.map((p) => ({ ImportPath: p, Deps: p === 'example.com/rt' ? ['fmt'] : [], ...(o.export ? { Export: exports[p] } : {}) })).concat(o.export ? [{ ImportPath: 'fmt', Deps: [], Export: '/cache/fmt.a' }] as never[] : []),
      command: 'go list', stderr: '', exitCode: 0, millis: 1,
    };
  };
  const injector = new Injector({ config, go: 'go', dir: t.dir, env: {}, command: readGoCommand(['build', '.'], ''), goList });
  return { ...t, rt, hook, dep, calls, injector };
}

function request(args: string[], pkg: string): ToolRequest {
  return { t: 'tool', id: 1, tool: 'compile', path: '/go/pkg/tool/compile', args, cwd: '/', pkg, env: {}, pid: process.pid };
}

function weaveResult(addedImports: string[], linkDeps: string[] = addedImports): WeavePackageResult {
  return { files: [], extraFiles: [], addedImports, linkDeps, lang: '', aspects: ['a'], stats: { filesScanned: 0, filesParsed: 0, filesWoven: 0, nodesWoven: 0, scanMicros: 0, parseMicros: 0, weaveMicros: 0 } };
}

test('a woven package: importcfg copy gains the added import; its archive gets the transitive link deps', async () => {
  const s = setup();
  try {
    const cfg = join(s.dir, 'importcfg');
    writeFileSync(cfg, `# import config\npackagefile example.com/dep=${s.dep}\n`);
    const args = ['-o', join(s.dir, '_pkg_.a'), '-p', 'example.com/app/x', '-importcfg', cfg, '-pack', join(s.dir, 'x.go')];
    const req = request(args, 'example.com/app/x');
    const plan = await s.injector.compileHook({ req, cmd: parseCompileArgs(args), result: weaveResult(['example.com/rt']), workDir: s.dir, plan: { args }, signal: new AbortController().signal });
    const newCfg = plan.args[plan.args.indexOf('-importcfg') + 1]!;
    assert.notEqual(newCfg, cfg);
    assert.equal(readFileSync(cfg, 'utf8'), `# import config\npackagefile example.com/dep=${s.dep}\n`, 'original untouched');
    assert.equal(parseImportcfg(readFileSync(newCfg, 'utf8')).packageFiles.get('example.com/rt'), s.rt);
    assert.equal(plan.append?.length, 1);
    assert.equal(plan.append![0]!.archive, join(s.dir, '_pkg_.a'));
    assert.deepEqual(decodeLinkDeps(plan.append![0]!.data, 't'), { imports: ['example.com/rt'], linknames: ['example.com/hook'] });
    assert.ok(!plan.args.some((a) => a.endsWith(LINK_DEPS_FILE)), 'no blank-import file outside main');
    assert.deepEqual(s.calls.map((c) => c.export), [false, true], 'one listing, one export run');
  } finally {
    s.cleanup();
  }
});

test('a woven package\'s link deps include those its injected imports carry (their closure reaches woven code with link-time packages)', async () => {
  const s = setup();
  try {
    // rt's closure holds a woven package whose go:linkname targets hook: rt's archive says so.
    appendArchiveMember(s.rt, LINK_DEPS_MEMBER, encodeLinkDeps({ imports: [], linknames: ['example.com/hook'] }));
    const cfg = join(s.dir, 'importcfg');
    writeFileSync(cfg, '# import config\n');
    const args = ['-o', join(s.dir, '_pkg_.a'), '-p', 'example.com/app/x', '-importcfg', cfg, '-pack', join(s.dir, 'x.go')];
    const req = request(args, 'example.com/app/x');
    const plan = await s.injector.compileHook({ req, cmd: parseCompileArgs(args), result: weaveResult(['example.com/rt']), workDir: s.dir, plan: { args }, signal: new AbortController().signal });
    assert.deepEqual(decodeLinkDeps(plan.append![0]!.data, 't'), { imports: ['example.com/rt'], linknames: ['example.com/hook'] });
  } finally {
    s.cleanup();
  }
});

test('a main package gets a blank-import file for every link dep it does not import, with their archives', async () => {
  const s = setup();
  try {
    const cfg = join(s.dir, 'importcfg');
    writeFileSync(cfg, `packagefile example.com/dep=${s.dep}\n`);
    const args = ['-o', join(s.dir, '_pkg_.a'), '-p', 'main', '-importcfg', cfg, '-pack', join(s.dir, 'main.go')];
    const req = request(args, 'example.com/app/cmd');
    const plan = await s.injector.compileHook({ req, cmd: parseCompileArgs(args), result: null, workDir: s.dir, plan: { args: req.args }, signal: new AbortController().signal });
    const file = plan.args.find((a) => a.endsWith(LINK_DEPS_FILE))!;
    assert.equal(readFileSync(file, 'utf8'), linkDepsSource(['example.com/hook', 'example.com/rt']));
    const newCfg = parseImportcfg(readFileSync(plan.args[plan.args.indexOf('-importcfg') + 1]!, 'utf8'));
    assert.equal(newCfg.packageFiles.get('example.com/hook'), s.hook);
    assert.equal(newCfg.packageFiles.get('example.com/rt'), s.rt);
    // the generated file compiles against the patched importcfg
    compilePackage(s.dir, 'main', 'main2', readFileSync(file, 'utf8'), plan.args[plan.args.indexOf('-importcfg') + 1]!);
  } finally {
    s.cleanup();
  }
});

test('a package with no link deps anywhere is answered with its own plan, untouched', async () => {
  const s = setup();
  try {
    const cfg = join(s.dir, 'importcfg');
    writeFileSync(cfg, `packagefile example.com/rt=${s.rt}\n`);
    const args = ['-o', join(s.dir, '_pkg_.a'), '-p', 'example.com/app/y', '-importcfg', cfg, join(s.dir, 'y.go')];
    const req = request(args, 'example.com/app/y');
    const plan = { args: req.args };
    assert.equal(await s.injector.compileHook({ req, cmd: parseCompileArgs(args), result: null, workDir: s.dir, plan, signal: new AbortController().signal }), plan);
    assert.equal(s.calls.length, 0, 'no go list');
  } finally {
    s.cleanup();
  }
});

test('weaving a package that the injected import depends on is E_CYCLE', async () => {
  const s = setup();
  try {
    const cfg = join(s.dir, 'importcfg');
    writeFileSync(cfg, '');
    const args = ['-o', join(s.dir, '_pkg_.a'), '-p', 'fmt', '-std', '-importcfg', cfg, join(s.dir, 'print.go')];
    await assert.rejects(
      s.injector.compileHook({ req: request(args, 'fmt'), cmd: parseCompileArgs(args), result: weaveResult(['example.com/rt']), workDir: s.dir, plan: { args }, signal: new AbortController().signal }),
      (e: unknown) => e instanceof WeftError && e.code === 'E_CYCLE',
    );
  } finally {
    s.cleanup();
  }
});

test('the link importcfg gains every recorded link dep and its closure, in a new file', async () => {
  const s = setup();
  try {
    const cfg = join(s.dir, 'importcfg.link');
    const userFmt = compilePackage(s.dir, 'fmt', 'userfmt', 'package fmt\n');
    const original = `packagefile example.com/dep=${s.dep}\npackagefile fmt=${userFmt}\n`;
    writeFileSync(cfg, original);

    const main = compilePackage(s.dir, 'main', 'main', 'package main\nfunc main() {}\n');
    const args = ['-o', join(s.dir, 'a.out'), '-importcfg', cfg, '-buildmode=exe', main];
    const plan = await s.injector.linkHook({ ...request(args, 'example.com/app/cmd'), tool: 'link' }, new AbortController().signal);
    assert.ok(plan !== null);
    const out = parseImportcfg(readFileSync(plan.args[plan.args.indexOf('-importcfg') + 1]!, 'utf8'));
    assert.equal(out.packageFiles.get('example.com/rt'), s.rt);
    assert.equal(out.packageFiles.get('example.com/hook'), s.hook);
    assert.equal(out.packageFiles.get('fmt'), userFmt, 'existing entries (test variants) win');
    assert.equal(readFileSync(cfg, 'utf8'), original);
  } finally {
    s.cleanup();
  }
});

test('aspectsInjecting finds aspects by template imports and links', () => {
  const loc = { file: 'w.yml', line: 1, path: 'p' };
  const tpl = (imports: Record<string, string>) => ({ source: 'x', imports, lang: null, location: loc });
  const cfg: ResolvedConfig = {
    files: [], injectedPackages: [], fingerprint: 'f',
    aspects: [
      { id: 'a', location: loc, joinPoint: { kind: 'package-name', name: 'x', location: loc }, advice: [{ kind: 'prepend-statements', template: tpl({ rt: 'example.com/rt' }), location: loc, namespace: DEFAULT_NAMESPACE, order: 0 }] },
      { id: 'b', location: loc, joinPoint: { kind: 'package-name', name: 'x', location: loc }, advice: [{ kind: 'inject-declarations', template: tpl({}), links: ['example.com/hook'], location: loc, namespace: DEFAULT_NAMESPACE, order: 0 }] },
    ],
  };
  assert.deepEqual(aspectsInjecting(cfg, 'example.com/rt'), ['a']);
  assert.deepEqual(aspectsInjecting(cfg, 'example.com/hook'), ['b']);
  assert.deepEqual(aspectsInjecting(cfg, 'fmt'), []);
});
