import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { registry } from '../../../src/weave/join-points/index.js';
import type { PackageInfo } from '../../../src/weave/join-points/types.js';
import { allOf, anyOf, collectNeedles, evaluateFormula, formatFormula, needle, type Formula } from '../../../src/weave/needles.js';
import { defaultPrefilter, indexOfPrefilter } from '../../../src/weave/prefilter.js';
import { weavePackage } from '../../../src/weave/weave-package.js';
import { advice, aspect, config, input, jp, tempDir, tpl } from './helpers.js';

const pkg: PackageInfo = { importPath: 'example.com/app', packageName: 'app', isTestMain: false, moduleRoot: '', toolexecImportPath: 'example.com/app' };

function holds(f: Formula, text: string): boolean {
  return evaluateFormula(f, (n) => text.includes(n));
}

describe('needle formulas', () => {
  test('combinators simplify', () => {
    assert.equal(allOf(true, true), true);
    assert.equal(allOf(needle('a'), false), false);
    assert.equal(anyOf(needle('a'), true), true);
    assert.equal(anyOf(false, false), false);
    assert.deepEqual(allOf(needle('a'), allOf(needle('b'), needle('c'))), { all: [{ needle: 'a' }, { needle: 'b' }, { needle: 'c' }] });
    assert.equal(formatFormula(anyOf(needle('a'), allOf(needle('b'), needle('c')))), '("a" OR ("b" AND "c"))');
  });

  test('function-call needs the quoted import path and the name', () => {
    const f = registry.needles(jp({ kind: 'function-call', callee: { path: 'net/http', name: 'Get' } }), pkg);
    assert.deepEqual([...collectNeedles(f, new Set())].sort(), ['"net/http"', 'Get']);
    assert.equal(holds(f, 'import "net/http"\nhttp.Get(x)'), true);
    assert.equal(holds(f, 'import "net/http"\nhttp.Head(x)'), false);
    assert.equal(holds(f, 'import "example.com/net/http"\nhttp.Get(x)'), false);
  });

  test('a call into the package itself cannot match: a package never imports itself', () => {
    const f = registry.needles(jp({ kind: 'function-call', callee: { path: 'example.com/app', name: 'helper' } }), pkg);
    assert.equal(holds(f, 'package app\nfunc helper() {}\nfunc main() { helper() }'), false);
  });

  test('all-of is AND, one-of is OR, not is always possible', () => {
    const a = jp({ kind: 'function-call', callee: { path: 'fmt', name: 'Println' } });
    const b = jp({ kind: 'function', options: [{ kind: 'name', name: 'Handle' }] });
    const all = registry.needles(jp({ kind: 'all-of', of: [a, b] }), pkg);
    const one = registry.needles(jp({ kind: 'one-of', of: [a, b] }), pkg);
    const not = registry.needles(jp({ kind: 'not', of: a }), pkg);
    const text = 'import "fmt"\nfunc main() { fmt.Println() }';
    assert.equal(holds(all, text), false);
    assert.equal(holds(one, text), true);
    assert.equal(not, true);
  });

  test('package-level join points are decided from the package, before any file', () => {
    assert.equal(registry.packageValue(jp({ kind: 'import-path', path: 'example.com/app' }), pkg), true);
    assert.equal(registry.packageValue(jp({ kind: 'import-path', path: 'example.com/other' }), pkg), false);
    assert.equal(registry.packageValue(jp({ kind: 'package-filter', pattern: 'example.com/**', root: null }), pkg), true);
    assert.equal(registry.packageValue(jp({ kind: 'package-filter', pattern: 'example.com/[xyz]*', root: null }), pkg), false);
    const gated = jp({ kind: 'all-of', of: [jp({ kind: 'import-path', path: 'example.com/other' }), jp({ kind: 'function-call', callee: { path: 'fmt', name: 'Println' } })] });
    assert.equal(registry.packageValue(gated, pkg), false);
    assert.equal(registry.packageValue(jp({ kind: 'test-main', value: true }), pkg), false);
  });

  test('struct-definition: the name, then past blanks, comments, type parameters and = the keyword struct', () => {
    const f = registry.needles(jp({ kind: 'struct-definition', type: { path: 'example.com/app', name: 'g' } }), pkg);
    const bytes = (text: string): boolean => evaluateFormula(f, (n) => text.includes(n), Buffer.from(text));
    for (const yes of [
      'type g struct {\n\tid int\n}',
      'type (\n\tx int\n\tg struct{ id int }\n)',
      'type g[T any] struct{ v T }',
      'type g[T interface{ ~[]int | ~[2]int }] struct{ v T }',
      'type g[\n\tT any, // ]\n] struct{ v T }',
      'type g = struct{ id int }',
      'type g /* ] */ struct{}',
      'type g\tstruct{}',
    ]) assert.equal(bytes(`package app\n\n${yes}\n`), true, yes);
    for (const no of [
      'type gs struct{}\nvar g gs',
      'type ag struct{}\nfunc g() {}',
      'func f(gp *g) { _ = gp.g }\ntype x struct{}',
      'var g = x.g\ntype y struct{}',
    ]) assert.equal(bytes(`package app\n\n${no}\n`), false, no);
    assert.equal(holds(f, 'type gs struct{}\nvar g gs'), true, 'without the bytes (a scan elsewhere), the needles decide');
    assert.equal(formatFormula(f), '("g" AND "struct" AND ("g" then struct))');
  });

  test('struct-definition and declaration-of of another package can never match', () => {
    assert.equal(registry.needles(jp({ kind: 'struct-definition', type: { path: 'net/http', name: 'Server' } }), pkg), false);
    assert.equal(registry.needles(jp({ kind: 'declaration-of', symbol: { path: 'net/http', name: 'Get' } }), pkg), false);
  });
});

describe('pre-filter', () => {
  const tmp = tempDir('weft-prefilter-');
  after(() => tmp.cleanup());

  test('the WASM scanner and indexOf agree', () => {
    const bytes = Buffer.from('package x\nimport "net/http"\nfunc F() { http.Get("u") }\n');
    const needles = ['"net/http"', 'Get', 'Head', 'func', 'nowhere', '"fmt"'];
    assert.deepEqual(defaultPrefilter().scan(bytes, needles), indexOfPrefilter.scan(bytes, needles));
    assert.deepEqual(indexOfPrefilter.scan(bytes, needles), [true, true, false, true, false, false]);
  });

  test('only files that may match are parsed', async () => {
    const a = tmp.write('a.go', 'package app\n\nimport "net/http"\n\nfunc A() { _, _ = http.Get("x") }\n');
    const b = tmp.write('b.go', 'package app\n\nfunc B() {}\n');
    const c = tmp.write('c.go', 'package app\n\nimport "net/http"\n\nfunc C() { _, _ = http.Head("x") }\n');
    const cfg = config(aspect('get', jp({ kind: 'function-call', callee: { path: 'net/http', name: 'Get' } }), advice({ kind: 'wrap-expression', template: tpl('({{ . }})') })));
    const r = await weavePackage(input('example.com/app', [a, b, c]), cfg);
    assert.equal(r.stats.filesScanned, 3);
    assert.equal(r.stats.filesParsed, 1);
    assert.equal(r.stats.filesWoven, 1);
    assert.equal(r.files[0]!.original, a);
  });

  test('a struct named by one letter: of the files using it, only the one declaring it is parsed', async () => {
    const files = [
      tmp.write('proc.go', 'package app\n\ntype m struct{ curg *g }\n\nfunc run(gp *g) { gp.id++ }\n'),
      tmp.write('defs.go', 'package app\n\ntype g struct {\n\tid int\n}\n'),
      tmp.write('stack.go', 'package app\n\ntype stack struct{ lo, hi uintptr }\n\nfunc grow(gp *g) {}\n'),
    ];
    const cfg = config(aspect('field', jp({ kind: 'struct-definition', type: { path: 'example.com/app', name: 'g' } }), advice({ kind: 'add-struct-field', name: 'extra', type: { kind: 'named', path: '', name: 'int', text: 'int' } })));
    const r = await weavePackage(input('example.com/app', files), cfg);
    assert.equal(r.stats.filesScanned, 3);
    assert.equal(r.stats.filesParsed, 1);
    assert.equal(r.files.length, 1);
    assert.equal(r.files[0]!.original, files[1]);
    assert.match(r.files[0]!.text, /extra\s+int/);
  });

  test('nodesWoven counts the nodes advised: every body, declared or literal, and no body-less declaration', async () => {
    const a = tmp.write('bodies.go', 'package app\n\nfunc A() {\n\tf := func() {}\n\tf()\n}\n\nfunc (T) M() { _ = func() int { return 1 }() }\n\ntype T struct{}\n\nfunc External()\n');
    const b = tmp.write('types.go', 'package app\n\ntype U int\n');
    const cfg = config(aspect('every-body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [] }) }), advice({ kind: 'prepend-statements', template: tpl('_ = 0') })));
    const r = await weavePackage(input('example.com/app', [a, b]), cfg);
    assert.equal(r.stats.filesWoven, 1);
    assert.equal(r.stats.nodesWoven, 4);
    assert.equal(r.files[0]!.text.match(/_ = 0/g)?.length, 4);
  });

  test('a package no aspect applies to is not even read', async () => {
    let reads = 0;
    const cfg = config(aspect('other', jp({ kind: 'import-path', path: 'example.com/other' }), advice({ kind: 'add-blank-import', path: 'expvar' })));
    const r = await weavePackage(input('example.com/app', ['/nonexistent/a.go']), cfg, { readFile: async () => { reads++; return new Uint8Array(); } });
    assert.equal(reads, 0);
    assert.deepEqual(r.files, []);
  });
});
