// Checks the behaviour table against real Go: builds test/fixtures/template/gotmpl once (stdlib
// only), feeds it every case Go's data model can express, and asserts that Go produces exactly
// the table's output (or an error containing the table's substring) and that weft produces
// exactly Go's output. Skipped when no `go` command is available.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CASES as BASE_CASES } from './cases.js';
import { PROBE_CASES } from './cases-probe.js';
import { hasGo, runGo, type GoResult } from './oracle.js';
import { runCase } from './run-case.js';

const CASES = [...BASE_CASES, ...PROBE_CASES];
const goCases = CASES.filter((c) => c.go !== false);

describe('template table against Go text/template', { skip: hasGo ? false : 'no go command' }, () => {
  let results: GoResult[] = [];

  before(() => {
    results = runGo(goCases.map((c) => ({ template: c.tpl, data: c.data })));
  });

  it('covers at least 80 cases', () => {
    assert.ok(goCases.length >= 80, `only ${goCases.length} cases run against Go`);
  });

  goCases.forEach((c, i) => {
    it(c.name, () => {
      const go = results[i]!;
      const mine = runCase(c);
      if (c.err !== undefined) {
        assert.ok(go.err.includes(c.err), `Go's error ${JSON.stringify(go.err)} (output ${JSON.stringify(go.out)}) lacks ${JSON.stringify(c.err)}`);
        assert.ok(mine.err.includes(c.err), `weft's error ${JSON.stringify(mine.err)} lacks ${JSON.stringify(c.err)}`);
      } else {
        assert.equal(go.err, '', `Go failed: ${go.err}`);
        assert.equal(go.out, c.want, 'Go disagrees with the table');
        assert.equal(mine.out, go.out, 'weft disagrees with Go');
      }
    });
  });
});
