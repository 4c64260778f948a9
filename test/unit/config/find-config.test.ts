import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findConfigFile } from '../../../src/config/index.js';
import { writeTemp } from './helpers.js';

describe('findConfigFile', () => {
  it('finds weft.yml beside the nearest go.mod from a nested directory', () => {
    const dir = writeTemp({ 'go.mod': 'module example.com/m\n', 'weft.yml': '', 'pkg/deep/x.go': '' });
    assert.equal(findConfigFile(join(dir, 'pkg', 'deep')), join(dir, 'weft.yml'));
    assert.equal(findConfigFile(dir), join(dir, 'weft.yml'));
  });

  it('takes weft.yaml when there is no weft.yml, and prefers weft.yml', () => {
    const a = writeTemp({ 'go.mod': 'module a\n', 'weft.yaml': '' });
    assert.equal(findConfigFile(a), join(a, 'weft.yaml'));
    const b = writeTemp({ 'go.mod': 'module b\n', 'weft.yaml': '', 'weft.yml': '' });
    assert.equal(findConfigFile(b), join(b, 'weft.yml'));
  });

  it('stops at the nearest go.mod even if an outer module has a config', () => {
    const dir = writeTemp({ 'go.mod': 'module outer\n', 'weft.yml': '', 'inner/go.mod': 'module inner\n' });
    mkdirSync(join(dir, 'inner', 'sub'), { recursive: true });
    assert.equal(findConfigFile(join(dir, 'inner', 'sub')), null);
  });

  it('returns null without a go.mod, and ignores a directory named weft.yml', () => {
    const none = writeTemp({ 'weft.yml': '' });
    assert.equal(findConfigFile(none), null);
    const d = writeTemp({ 'go.mod': 'module d\n', 'weft.yml/x': '' });
    assert.equal(findConfigFile(d), null);
  });
});
