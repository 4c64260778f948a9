// The module root a directory builds in, and what counts as the module cache: the daemon's plan
// record skips only module-cache directories, and overlay mode refuses to overlay them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findModuleRoot, inModuleCache } from '../../../src/weaving/module-root.js';

describe('findModuleRoot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-module-root-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the nearest go.mod at or above the directory, and null where there is none', () => {
    mkdirSync(join(dir, 'm', 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'm', 'go.mod'), 'module m\n');
    assert.equal(findModuleRoot(join(dir, 'm', 'a', 'b')), join(dir, 'm'));
    assert.equal(findModuleRoot(join(dir, 'm')), join(dir, 'm'));
    assert.equal(findModuleRoot(dir), null);
  });
});

describe('inModuleCache', () => {
  it('is true for the cache itself and what lies beneath it, not for a sibling sharing its prefix', () => {
    assert.equal(inModuleCache('/go/pkg/mod', '/go/pkg/mod'), true);
    assert.equal(inModuleCache('/go/pkg/mod/github.com/x/y@v1.0.0', '/go/pkg/mod'), true);
    assert.equal(inModuleCache('/go/pkg/modules/x', '/go/pkg/mod'), false);
    assert.equal(inModuleCache('/src/app', '/go/pkg/mod'), false);
  });

  it('is false when the module cache is unknown', () => {
    assert.equal(inModuleCache('/go/pkg/mod/x', ''), false);
  });
});
