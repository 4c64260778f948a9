import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsForPackage, matchPackagePattern, matchPathPattern, parsePerPackageValue, type PatternTarget } from '../../../src/toolexec/package-flags.js';

const cwd = '/src/m';
const pkg = (importPath: string, dir: string, more: Partial<PatternTarget> = {}): PatternTarget => ({ importPath, dir, standard: false, cmdline: false, ...more });
const a = pkg('example.com/m/a', '/src/m/a', { cmdline: true });
const ab = pkg('example.com/m/a/b', '/src/m/a/b');
const http = pkg('net/http', '/go/src/net/http', { standard: true });
const vet = pkg('cmd/vet', '/go/src/cmd/vet', { standard: true });
const vendored = pkg('example.com/m/vendor/x.org/y', '/src/m/vendor/x.org/y');

test('import path patterns: exact, `...` anywhere, `x/...` also matches x, no reach into vendor', () => {
  assert.ok(matchPathPattern('example.com/m/a')('example.com/m/a'));
  assert.ok(!matchPathPattern('example.com/m/a')('example.com/m/a/b'));
  assert.ok(!matchPathPattern('example.com/m/a')('example.com/m/ab'));
  assert.ok(matchPathPattern('example.com/m/a/...')('example.com/m/a'));
  assert.ok(matchPathPattern('example.com/m/a/...')('example.com/m/a/b'));
  assert.ok(!matchPathPattern('example.com/m/a/...')('example.com/m/ab'));
  assert.ok(matchPathPattern('net/...')('net/http'));
  assert.ok(matchPathPattern('...http')('net/http'));
  assert.ok(!matchPathPattern('example.com/m/...')(vendored.importPath));
  assert.ok(matchPathPattern('example.com/m/vendor/...')(vendored.importPath));
  // A dot in a pattern is a dot, not a regular expression.
  assert.ok(!matchPathPattern('example.com/m/a')('exampleXcom/m/a'));
});

test('all, std, cmd and relative directory patterns', () => {
  assert.ok(matchPackagePattern('all', cwd)(http));
  assert.ok(matchPackagePattern('std', cwd)(http));
  assert.ok(!matchPackagePattern('std', cwd)(a));
  assert.ok(matchPackagePattern('cmd', cwd)(vet));
  assert.ok(!matchPackagePattern('cmd', cwd)(http));
  assert.ok(matchPackagePattern('./a', cwd)(a));
  assert.ok(!matchPackagePattern('./a', cwd)(ab));
  assert.ok(matchPackagePattern('./a/...', cwd)(a));
  assert.ok(matchPackagePattern('./a/...', cwd)(ab));
  assert.ok(matchPackagePattern('./...', cwd)(ab));
  assert.ok(!matchPackagePattern('./...', cwd)(http));
  assert.ok(matchPackagePattern('.', '/src/m/a')(a));
  assert.ok(matchPackagePattern('../a', '/src/m/b')(a));
});

test('a value without a pattern is for the command-line packages; the last match wins, whole', () => {
  const values = ['-N -l', 'all=-m', 'example.com/m/a=-S'].map((v) => parsePerPackageValue(v, cwd));
  assert.deepEqual(flagsForPackage(values, a), ['-S']);
  assert.deepEqual(flagsForPackage(values, ab), ['-m']);
  const noPattern = [parsePerPackageValue('all=-m', cwd), parsePerPackageValue('-N -l', cwd)];
  assert.deepEqual(flagsForPackage(noPattern, a), ['-N', '-l'], 'a is named on the command line');
  assert.deepEqual(flagsForPackage(noPattern, ab), ['-m'], 'a dependency keeps the all= value');
  assert.deepEqual(flagsForPackage([parsePerPackageValue('-N', cwd), parsePerPackageValue('', cwd)], a), [], 'an empty value clears the command-line packages');
  assert.deepEqual(flagsForPackage([], a), []);
  assert.deepEqual(flagsForPackage([parsePerPackageValue(`all="-trimpath=/a b" -N`, cwd)], a), ['-trimpath=/a b', '-N'], 'quoted words stay one word');
});

test('a pattern without flags, or flags without a pattern before =, is a usage error', () => {
  assert.throws(() => parsePerPackageValue('all', cwd), /has no =<flags>/);
  assert.throws(() => parsePerPackageValue('=-N', cwd), /has no <pattern>/);
});
