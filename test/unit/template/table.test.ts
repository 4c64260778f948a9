// Runs the shared behaviour table (cases.ts) through weft's template engine. The same table is
// checked against Go's own text/template in go-oracle.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASES as BASE_CASES } from './cases.js';
import { PROBE_CASES } from './cases-probe.js';

const CASES = [...BASE_CASES, ...PROBE_CASES];
import { runCase } from './run-case.js';

describe('template table', () => {
  it('has at least 80 cases with unique names', () => {
    assert.ok(CASES.length >= 80, `only ${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const got = runCase(c);
      if (c.err !== undefined) {
        assert.ok(got.err.includes(c.err), `want error containing ${JSON.stringify(c.err)}, got ${got.err === '' ? `output ${JSON.stringify(got.out)}` : JSON.stringify(got.err)}`);
      } else {
        assert.equal(got.err, '', `unexpected error`);
        assert.equal(got.out, c.want);
      }
    });
  }
});
