import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNamespaces, DEFAULT_NAMESPACE } from '../../../src/config/advice/common.js';

test('advice without a namespace sorts after every named namespace, in code point order', () => {
  const names = [DEFAULT_NAMESPACE, 'zeta', 'default', '\u{FFFF}', '\u{10000}', 'alpha', 'alph'];
  assert.deepEqual([...names].sort(compareNamespaces), ['alph', 'alpha', 'default', 'zeta', '\u{FFFF}', '\u{10000}', DEFAULT_NAMESPACE]);
  // UTF-16 order would put U+FFFF after U+10000 (its surrogates are below 0xFFFF); Go's does not.
  assert.ok(compareNamespaces('\u{FFFF}', '\u{10000}') < 0);
  assert.equal(compareNamespaces('x', 'x'), 0);
});
