import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { WeftError } from '../../../src/errors.js';
import { createPool, type WorkerPool } from '../../../src/pool/index.js';
import { createWeaver } from '../../../src/weave/index.js';
import { weaveCommand } from '../../../src/weave/command.js';
import { mainModulePath, weavePackage } from '../../../src/weave/weave-package.js';
import type { ResolvedAspect } from '../../../src/config/types.js';
import { advice, aspect, config, input, jp, tempDir, tpl } from './helpers.js';

const tmp = tempDir('weft-pkg-');
after(() => tmp.cleanup());

const mainFile = tmp.write('main.go', 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n');
const helperFile = tmp.write('helper.go', 'package main\n\nfunc helper() int { return 1 }\n');

describe('weavePackage results', () => {
  test('added imports, link deps, raised -lang and matched aspects are reported', async () => {
    const cfg = config(
      aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'main' }] }) }),
        advice({ kind: 'prepend-statements', template: tpl('log.Print(strings.ToUpper("x"))', { log: 'log', strings: 'strings' }, 'go1.23') })),
      aspect('decls', jp({ kind: 'import-path', path: 'example.com/app' }),
        advice({ kind: 'inject-declarations', template: tpl('var _ = fmt.Sprint()', { fmt: 'fmt' }), links: ['runtime/pprof'] })),
      aspect('unused', jp({ kind: 'function-call', callee: { path: 'os', name: 'Exit' } }), advice({ kind: 'wrap-expression', template: tpl('{{ . }}') })),
    );
    const r = await weavePackage(input('main', [mainFile, helperFile], { toolexecImportPath: 'example.com/app', importcfgPackages: ['fmt'], lang: 'go1.21' }), cfg);
    assert.deepEqual(r.aspects, ['body', 'decls']);
    assert.deepEqual(r.addedImports, ['log', 'strings']);
    assert.deepEqual(r.linkDeps, ['log', 'runtime/pprof', 'strings'], 'fmt was imported already');
    assert.equal(r.lang, 'go1.23');
    assert.equal(r.files.length, 1, 'package-level declarations go to the first file only');
    assert.match(r.files[0]!.text, /^\/\/line .*main\.go:1:1\n/);
    assert.equal((r.files[0]!.text.match(/fmt\.Sprint\(\)/g) ?? []).length, 1);
  });

  test('go:linkname declarations import unsafe, which is never reported as a package to resolve', async () => {
    const cfg = config(aspect('link', jp({ kind: 'import-path', path: 'example.com/app' }),
      advice({ kind: 'inject-declarations', template: tpl('//go:linkname weftNanotime runtime.nanotime\nfunc weftNanotime() int64'), links: ['runtime'] })));
    const r = await weavePackage(input('main', [helperFile], { toolexecImportPath: 'example.com/app' }), cfg);
    assert.match(r.files[0]!.text, /import _ "unsafe"/);
    assert.deepEqual(r.addedImports, []);
    assert.deepEqual(r.linkDeps, ['runtime']);
  });


  test('inject-declarations of two pinned files reusing one aspect id at the same YAML path are both woven', async () => {
    // dd-trace-go's tracer and profiler files both declare aspect `func main()` whose first advice
    // injects a func init(): the advice is once per package, but each file's is its own.
    const mainBody = jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'main' }] }) });
    const from = (file: string, body: string): ResolvedAspect => {
      const location = { file, line: 12, path: 'aspects[0].advice[0]' };
      const a = aspect('func main()', mainBody, { ...advice({ kind: 'inject-declarations', template: { ...tpl(body), location }, links: [] }), location });
      return { ...a, location: { ...location, path: 'aspects[0]' } };
    };
    const cfg = config(from('/pin/tracer/orchestrion.yml', 'func init() { println("tracer") }'), from('/pin/profiler/orchestrion.yml', 'func init() { println("profiler") }'));
    const r = await weavePackage(input('main', [mainFile]), cfg);
    assert.equal(r.files.length, 1);
    assert.ok(r.files[0]!.text.includes('println("tracer")'), r.files[0]!.text);
    assert.ok(r.files[0]!.text.includes('println("profiler")'), r.files[0]!.text);
  });
  test('the Version template function gives weft\'s version', async () => {
    const version = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const cfg = config(aspect('v', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'main' }] }) }),
      advice({ kind: 'prepend-statements', template: tpl('println({{ printf "%q" Version }})') })));
    const r = await weavePackage(input('main', [mainFile]), cfg);
    assert.ok(r.files[0]!.text.includes(`println(${JSON.stringify(version)})`));
  });

  test('a file that does not parse is left to the compiler, with a warning', async () => {
    const broken = tmp.write('broken.go', 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("x"\n}\n');
    const cfg = config(aspect('p', jp({ kind: 'function-call', callee: { path: 'fmt', name: 'Println' } }), advice({ kind: 'wrap-expression', template: tpl('({{ . }})') })));
    const r = await weavePackage(input('main', [broken]), cfg);
    assert.deepEqual(r.files, []);
    assert.equal(r.warnings?.length, 1);
    const w = r.warnings![0]!;
    assert.equal(w.aspect, 'p');
    assert.equal(w.file, broken);
    assert.equal(w.line, 6);
    assert.match(w.reason, /does not parse/);
  });

  test('-lang is not lowered and not reported when already high enough', async () => {
    const cfg = config(aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'main' }] }) }),
      advice({ kind: 'prepend-statements', template: tpl('println()', {}, 'go1.18') })));
    const r = await weavePackage(input('main', [mainFile], { lang: 'go1.22' }), cfg);
    assert.equal(r.lang, '');
  });

  test('an undecidable method-call receiver is a warning carrying the type question; the compile is not failed', async () => {
    const text = 'package app\n\nimport "database/sql"\n\nfunc open() *sql.DB { return nil }\n\nfunc f() {\n\tdb := open()\n\t_, _ = db.Query("x")\n}\n';
    const f = tmp.write('mc.go', text);
    const cfg = config(aspect('q', jp({ kind: 'method-call', receiver: { kind: 'named', path: 'database/sql', name: 'DB', text: 'database/sql.DB' }, name: 'Query', match: 'any' }), advice({ kind: 'wrap-expression', template: tpl('{{ . }}') })));
    const r = await weavePackage(input('example.com/app', [f]), cfg);
    assert.deepEqual(r.files, []);
    assert.deepEqual(r.aspects, []);
    assert.equal(r.warnings?.length, 1);
    const w = r.warnings![0]!;
    assert.deepEqual({ aspect: w.aspect, file: w.file, line: w.line, column: w.column }, { aspect: 'q', file: f, line: 9, column: 9 });
    assert.match(w.reason, /method-call database\/sql\.DB\.Query: the type of `db` needs type information/);
    assert.deepEqual(w.needsTypes, { question: 'type-of', start: text.indexOf('db.Query'), end: text.indexOf('db.Query') + 2, expr: 'db' });
  });

  test('a method-call whose receiver package the package does not import is skipped quietly', async () => {
    // The name is everywhere (`.Query(`), the type's package is not imported: no match is possible by this package's own spelling.
    const f = tmp.write('mc2.go', 'package app\n\ntype store struct{}\n\nfunc (store) Query(string) {}\n\nfunc get() store { return store{} }\n\nfunc f() {\n\ts := get()\n\ts.Query("x")\n}\n');
    const cfg = config(aspect('q', jp({ kind: 'method-call', receiver: { kind: 'named', path: 'database/sql', name: 'DB', text: 'database/sql.DB' }, name: 'Query', match: 'any' }), advice({ kind: 'wrap-expression', template: tpl('{{ . }}') })));
    const r = await weavePackage(input('example.com/app', [f]), cfg);
    assert.deepEqual(r.files, []);
    assert.equal(r.warnings, undefined);
    // With the compile's importcfg naming database/sql (imported by another file of the package), it is a warning again.
    const r2 = await weavePackage(input('example.com/app', [f], { importcfgPackages: ['database/sql'] }), cfg);
    assert.equal(r2.warnings?.length, 1);
  });

  test('woven code that does not parse fails with E_WEAVE_FAILED, the aspect and the join point line', async () => {
    const cfg = config(aspect('bad', jp({ kind: 'function-call', callee: { path: 'fmt', name: 'Println' } }), advice({ kind: 'wrap-expression', template: tpl('({{ . }}') })));
    await assert.rejects(weavePackage(input('main', [mainFile]), cfg), (e: unknown) => e instanceof WeftError && e.code === 'E_WEAVE_FAILED' && e.aspect === 'bad' && e.location?.line === 6);
  });
});

describe('createWeaver (pool) and weaveCommand', () => {
  test('the pool worker weaves a package and errors come back as data', async () => {
    const pool = createPool({ size: 1 });
    try {
      const good = config(aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'main' }] }) }), advice({ kind: 'prepend-statements', template: tpl('println("woven")') })));
      const weave = createWeaver({ config: good, pool });
      const out = await weave(input('main', [mainFile]));
      assert.ok(out.ok);
      if (out.ok) assert.match(out.result.files[0]!.text, /println\("woven"\)/);
      const again = await weave(input('main', [mainFile]));
      assert.ok(again.ok, 'second task uses the config cached in the worker');
      const bad = createWeaver({ config: config(aspect('bad', jp({ kind: 'function-call', callee: { path: 'fmt', name: 'Println' } }), advice({ kind: 'wrap-expression', template: tpl('({{ . }}') }))), pool });
      const failed = await bad(input('main', [mainFile]));
      assert.equal(failed.ok, false);
      if (!failed.ok) {
        assert.equal(failed.error.code, 'E_WEAVE_FAILED');
        assert.equal(failed.error.aspect, 'bad');
      }
    } finally {
      await pool.close();
    }
  });

  test('packages no aspect can apply to are answered without a worker', async () => {
    const pool = { size: 1, run: async () => { throw new Error('the pool must not be used'); }, close: async () => {}, stats: () => ({}) } as unknown as WorkerPool;
    const weave = createWeaver({ config: config(aspect('x', jp({ kind: 'import-path', path: 'example.com/other' }), advice({ kind: 'add-blank-import', path: 'expvar' }))), pool });
    const out = await weave(input('example.com/app', [mainFile]));
    assert.ok(out.ok);
    if (out.ok) assert.deepEqual(out.result.files, []);
  });

  test('weaveCommand prints the woven file, <no changes>, or the error with exit code 1/2', async () => {
    const yml = tmp.write('aspects.yml', 'meta:\n  name: t\n  description: t\naspects:\n  - id: hello\n    join-point:\n      function-call: fmt.Println\n    advice:\n      - wrap-expression:\n          template: "({{ . }})"\n');
    let out = '';
    let err = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t) };
    assert.equal(await weaveCommand({ config: yml, importPath: 'example.com/app', files: [mainFile], ...io }), 0);
    assert.match(out, /\(\/\*line .*main\.go:6:2\*\/fmt\.Println\("hi"\)/);
    out = '';
    assert.equal(await weaveCommand({ config: yml, importPath: 'example.com/app', files: [helperFile], ...io }), 0);
    assert.equal(out, '<no changes>\n');
    const outDir = join(tmp.dir, 'out');
    assert.equal(await weaveCommand({ config: yml, importPath: 'example.com/app', files: [mainFile], out: outDir, ...io }), 0);
    assert.match(readFileSync(join(outDir, 'main.go'), 'utf8'), /^\/\/line /);
    err = '';
    assert.equal(await weaveCommand({ config: join(tmp.dir, 'missing.yml'), importPath: 'example.com/app', files: [mainFile], ...io }), 2);
    assert.match(err, /^weft: /);
    const bad = tmp.write('bad.yml', 'meta:\n  name: t\n  description: t\naspects:\n  - id: bad\n    join-point:\n      function-call: fmt.Println\n    advice:\n      - wrap-expression:\n          template: "({{ . }}"\n');
    err = '';
    assert.equal(await weaveCommand({ config: bad, importPath: 'example.com/app', files: [mainFile], ...io }), 1);
    assert.match(err, /aspect "bad": the woven code does not parse/);
  });

  test('weaveCommand prints undecided candidates as warnings, and fails on them with strict', async () => {
    const f = tmp.write('undecided.go', 'package app\n\nimport "database/sql"\n\nfunc open() *sql.DB { return nil }\n\nfunc f() {\n\tdb := open()\n\t_, _ = db.Query("x")\n}\n');
    const yml = tmp.write('mc.yml', 'meta:\n  name: t\n  description: t\naspects:\n  - id: q\n    join-point:\n      method-call:\n        receiver: database/sql.DB\n        name: Query\n    advice:\n      - wrap-expression:\n          template: "{{ . }}"\n');
    let out = '';
    let err = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t) };
    assert.equal(await weaveCommand({ config: yml, importPath: 'example.com/app', files: [f], ...io }), 0);
    assert.equal(out, '<no changes>\n');
    assert.match(err, /^weft: warning: .*undecided\.go:9:9: aspect "q" not woven: /);
    err = '';
    assert.equal(await weaveCommand({ config: yml, importPath: 'example.com/app', files: [f], strict: true, ...io }), 1);
    assert.match(err, /strict mode: example\.com\/app has 1 candidate/);
  });
});

describe('mainModulePath', () => {
  test('reads the module line once for many callers at once, and again when go.mod changes', async () => {
    const dir = tempDir('weft-modpath-');
    try {
      const gomod = dir.write('go.mod', 'module example.com/first\n\ngo 1.22\n');
      const many = await Promise.all(Array.from({ length: 50 }, () => mainModulePath(dir.dir)));
      assert.deepEqual(new Set(many), new Set(['example.com/first']));
      // A daemon's thread outlives an edit of go.mod: a new size (and time) is a new answer.
      writeFileSync(gomod, 'module example.com/renamed/module\n\ngo 1.22\n');
      assert.equal(await mainModulePath(dir.dir), 'example.com/renamed/module');
      assert.equal(await mainModulePath(join(dir.dir, 'no-such-dir')), '');
      assert.equal(await mainModulePath(''), '');
    } finally {
      dir.cleanup();
    }
  });
});
