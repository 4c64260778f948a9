// Every input of the weave cache key changes it; equal inputs give equal keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { weaveKey, weaveKeyText, type WeaveKeyInput } from '../../../src/cache/key.js';

const base: WeaveKeyInput = {
  buildIdentity: 'b'.repeat(64),
  aspectsFingerprint: 'a'.repeat(64),
  importPath: 'example.com/app/pkg',
  toolexecImportPath: 'example.com/app/pkg',
  modulePath: 'example.com/app',
  isTestMain: false,
  goVersion: 'go1.26.8',
  goos: 'linux',
  goarch: 'amd64',
  lang: 'go1.22',
  buildTags: 'integration',
  files: [{ name: 'a.go', sha256: '1'.repeat(64) }, { name: 'b.go', sha256: '2'.repeat(64) }],
  importcfgPackages: ['fmt', 'net/http'],
  injectedIdentity: 'c'.repeat(64),
  typeOracle: [],
};

test('equal inputs give the same key; importcfg order does not matter', () => {
  assert.equal(weaveKey(base), weaveKey({ ...base }));
  assert.equal(weaveKey(base), weaveKey({ ...base, importcfgPackages: ['net/http', 'fmt'] }));
  assert.match(weaveKey(base), /^[0-9a-f]{64}$/);
});

const changes: [string, Partial<WeaveKeyInput>][] = [
  ['build identity', { buildIdentity: 'd'.repeat(64) }],
  ['applicable aspects', { aspectsFingerprint: 'e'.repeat(64) }],
  ['import path', { importPath: 'example.com/app/other' }],
  ['TOOLEXEC_IMPORTPATH (test variant)', { toolexecImportPath: 'example.com/app/pkg [example.com/app/pkg.test]' }],
  ['main module path', { modulePath: 'example.com/fork' }],
  ['test main', { isTestMain: true }],
  ['Go version', { goVersion: 'go1.25.0' }],
  ['GOOS', { goos: 'darwin' }],
  ['GOARCH', { goarch: 'arm64' }],
  ['-lang', { lang: 'go1.21' }],
  ['build tags', { buildTags: '' }],
  ['a file name', { files: [{ name: 'a.go', sha256: '1'.repeat(64) }, { name: 'c.go', sha256: '2'.repeat(64) }] }],
  ['a file content', { files: [{ name: 'a.go', sha256: '1'.repeat(64) }, { name: 'b.go', sha256: '3'.repeat(64) }] }],
  ['file order (the first file gets package-level advice)', { files: [{ name: 'b.go', sha256: '2'.repeat(64) }, { name: 'a.go', sha256: '1'.repeat(64) }] }],
  ['a file more', { files: [...base.files, { name: 'c.go', sha256: '4'.repeat(64) }] }],
  ['importcfg packages', { importcfgPackages: ['fmt'] }],
  ['injected packages', { injectedIdentity: 'f'.repeat(64) }],
  ['type-oracle export data', { typeOracle: ['9'.repeat(64)] }],
];

for (const [what, change] of changes) {
  test(`changing ${what} changes the key`, () => {
    assert.notEqual(weaveKey({ ...base, ...change }), weaveKey(base), weaveKeyText({ ...base, ...change }));
  });
}

test('a file name cannot be confused with the next field', () => {
  const tricky = { ...base, files: [{ name: 'a.go 1111 file 1 "b.go"', sha256: '1'.repeat(64) }] };
  assert.notEqual(weaveKey(tricky), weaveKey(base));
});
