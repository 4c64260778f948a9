import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileLang } from '../../../src/weaving/weave-input.js';

test('the compile\'s -lang: the module\'s language unless newer than the toolchain\'s; std and no module take the toolchain\'s', () => {
  const mod = (GoVersion?: string) => ({ Module: { Path: 'm', ...(GoVersion !== undefined ? { GoVersion } : {}) } });
  assert.equal(compileLang(mod('1.24.0'), 'go1.26.8'), 'go1.24');
  assert.equal(compileLang(mod('1.22'), 'go1.26.8'), 'go1.22');
  assert.equal(compileLang(mod(), 'go1.26.8'), 'go1.16', 'a go.mod without a go line');
  assert.equal(compileLang(mod('1.30.1'), 'go1.26.8'), 'go1.26', 'newer than the toolchain');
  assert.equal(compileLang(mod('1.27.0'), 'go1.27rc1'), 'go1.27', 'a prerelease toolchain');
  assert.equal(compileLang({}, 'go1.26.8'), 'go1.26', 'std: no module');
  assert.equal(compileLang(mod('1.24.0'), ''), '', 'toolchain unknown');
});
