// screenPackage: the synchronous, parser-free half of weavePackage the server runs on its own
// thread. It must never answer `none` for a package weavePackage would weave.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultPrefilter, indexOfPrefilter } from '../../../src/weave/prefilter.js';
import { allOf, anyOf, check, necessaryNeedles, needle } from '../../../src/weave/needles.js';
import { editScreen, screenPackage, weavePackage } from '../../../src/weave/weave-package.js';
import { advice, aspect, config, input, jp, tempDir, tpl } from './helpers.js';

const tmp = tempDir('weft-screen-');
after(() => tmp.cleanup());

const plain = tmp.write('plain.go', 'package app\n\nfunc Plain() int { return 1 }\n');
const caller = tmp.write('caller.go', 'package app\n\nimport "net/http"\n\nfunc Fetch() { _, _ = http.Get("u") }\n');
const named = tmp.write('named.go', '// Package tracing is commented first: package decoy\n/* package decoy2 */\npackage tracing\n\nfunc T() {}\n');

const wrapGet = aspect('get', jp({ kind: 'function-call', callee: { path: 'net/http', name: 'Get' } }), advice({ kind: 'wrap-expression', template: tpl('{{ . }}') }));
const bodyOf = (name: string) => aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name }] }) }), advice({ kind: 'prepend-statements', template: tpl('println()') }));

describe('screenPackage', () => {
  test('a package holding no needle is answered here, with its scan counted', () => {
    const s = screenPackage(input('example.com/app', [plain, plain]), config(wrapGet), '');
    assert.equal(s.verdict, 'none');
    if (s.verdict === 'none') {
      assert.deepEqual(s.result.files, []);
      assert.equal(s.result.stats.filesScanned, 2);
    }
  });

  test('a file holding the needles makes the package a candidate, and weavePackage agrees', async () => {
    const pkg = input('example.com/app', [plain, caller]);
    assert.equal(screenPackage(pkg, config(wrapGet), '').verdict, 'candidate');
    assert.equal((await weavePackage(pkg, config(wrapGet))).files.length, 1);
    // Both pre-filters decide alike.
    assert.equal(screenPackage(pkg, config(wrapGet), '', { prefilter: indexOfPrefilter }).verdict, 'candidate');
    assert.equal(screenPackage(input('example.com/app', [plain]), config(wrapGet), '', { prefilter: indexOfPrefilter }).verdict, 'none');
  });

  test('package-level join points decide without reading, package-name reads the clause', () => {
    const onlyOther = aspect('x', jp({ kind: 'import-path', path: 'example.com/other' }), advice({ kind: 'add-blank-import', path: 'expvar' }));
    assert.equal(screenPackage(input('example.com/app', ['/does/not/exist.go']), config(onlyOther), '').verdict, 'none');
    const onlyApp = aspect('x', jp({ kind: 'import-path', path: 'example.com/app' }), advice({ kind: 'add-blank-import', path: 'expvar' }));
    assert.equal(screenPackage(input('example.com/app', [plain]), config(onlyApp), '').verdict, 'candidate');
    const byName = (name: string) => aspect('n', jp({ kind: 'package-name', name }), advice({ kind: 'add-blank-import', path: 'expvar' }));
    assert.equal(screenPackage(input('example.com/t', [named]), config(byName('tracing')), '').verdict, 'candidate');
    assert.equal(screenPackage(input('example.com/t', [named]), config(byName('decoy')), '').verdict, 'none');
  });

  test('unreadable files and packages over the byte budget are left to a worker', () => {
    assert.equal(screenPackage(input('example.com/app', [join(tmp.dir, 'missing.go')]), config(bodyOf('Nothing')), '').verdict, 'undecided');
    assert.equal(screenPackage(input('example.com/app', [plain, plain, plain]), config(bodyOf('Nothing')), '', { byteBudget: 10 }).verdict, 'undecided');
    assert.equal(screenPackage(input('example.com/app', [plain, plain, plain]), config(bodyOf('Nothing')), '').verdict, 'none');
  });

  test('the prefilters scan files like bytes', () => {
    const needles = ['"net/http"', 'Get', 'nowhere'];
    for (const p of [defaultPrefilter(), indexOfPrefilter]) {
      const r = p.scanFile(caller, needles);
      assert.deepEqual(r.present, [true, true, false], p.name);
      assert.equal(r.size, Buffer.byteLength('package app\n\nimport "net/http"\n\nfunc Fetch() { _, _ = http.Get("u") }\n'));
      assert.throws(() => p.scanFile(join(tmp.dir, 'missing.go'), needles), /ENOENT/);
    }
  });
});

// editScreen: what the Go front end lets an edited file of a package through without (a
// replay record's screen). A string outside it must never be one a file needs to match.
describe('editScreen', () => {
  test('the strings a file must hold for an aspect to match, the rarest part of each formula', async () => {
    const screen = await editScreen(input('example.com/app', [plain]), config(bodyOf('Traced'), wrapGet));
    assert.ok(screen !== null);
    assert.ok(screen.includes('Traced'), JSON.stringify(screen));
    assert.ok(!screen.includes('func'), `a keyword in every file: ${JSON.stringify(screen)}`);
    // Sound: a file holding none of them is screened `none`, whatever else it holds.
    const edited = tmp.write('edited.go', 'package app\n\nfunc Other() int { return 2 }\n');
    assert.ok(!screen.some((n) => 'package app\n\nfunc Other() int { return 2 }\n'.includes(n)));
    assert.equal(screenPackage(input('example.com/app', [edited]), config(bodyOf('Traced'), wrapGet), '').verdict, 'none');
  });

  test('no aspect for the package: any edit passes; a file-level join point: none does', async () => {
    const onlyOther = aspect('x', jp({ kind: 'import-path', path: 'example.com/other' }), advice({ kind: 'add-blank-import', path: 'expvar' }));
    assert.deepEqual(await editScreen(input('example.com/app', [plain]), config(onlyOther)), []);
    const here = aspect('x', jp({ kind: 'import-path', path: 'example.com/app' }), advice({ kind: 'add-blank-import', path: 'expvar' }));
    assert.equal(await editScreen(input('example.com/app', [plain]), config(here)), null);
  });
});

describe('necessaryNeedles', () => {
  test('any: the union; all: the part whose shortest string is longest; true or a check alone: none', () => {
    assert.deepEqual(necessaryNeedles(anyOf(needle('a'), needle('bc'))), new Set(['a', 'bc']));
    assert.deepEqual(necessaryNeedles(allOf(needle('func'), needle('Traced'))), new Set(['Traced']));
    assert.deepEqual(necessaryNeedles(allOf(needle('func'), anyOf(needle('Alpha'), needle('Bravo')))), new Set(['Alpha', 'Bravo']));
    assert.equal(necessaryNeedles(anyOf(needle('a'), check('c', () => true))), null);
    assert.deepEqual(necessaryNeedles(allOf(needle('abc'), check('c', () => true))), new Set(['abc']));
    assert.equal(necessaryNeedles(true), null);
    assert.deepEqual(necessaryNeedles(false), new Set());
  });
});
