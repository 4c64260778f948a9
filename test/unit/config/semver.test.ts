import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareSemver, isSemver } from '../../../src/config/semver.js';

describe('semantic versions of otelc version ranges', () => {
  it('orders releases, pre-releases and pseudo-versions by precedence', () => {
    const ordered = ['v0.9.0', 'v0.11.0', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-alpha.beta', 'v1.0.0-beta.2', 'v1.0.0-beta.11', 'v1.0.0-rc.1', 'v1.0.0', 'v1.2.3', 'v1.10.0', 'v2.0.0+incompatible'];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const c = Math.sign(compareSemver(ordered[i]!, ordered[j]!));
        assert.equal(c, Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
      }
    }
    assert.equal(compareSemver('v1.2.3+meta', 'v1.2.3'), 0);
    assert.ok(compareSemver('v0.0.0-20240101120000-abcdef123456', 'v0.0.1') < 0);
  });

  it('accepts what go.mod accepts and rejects the rest', () => {
    for (const v of ['v1.2.3', 'v0.0.0-20240101120000-abcdef123456', 'v2.0.0+incompatible', 'v1.0.0-rc.1']) assert.ok(isSemver(v), v);
    for (const v of ['1.2.3', 'v01.2.3', 'latest', 'v1.2.3-']) assert.ok(!isSemver(v), v);
  });
});
