// Checks the behaviour table against real Go: builds test/fixtures/template/gotmpl once (stdlib
// only), feeds it every case Go's data model can express, and asserts that Go produces exactly
// the table's output (or an error containing the table's substring) and that weft produces
// exactly Go's output. Skipped when no `go` command is available.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CASES as BASE_CASES } from './cases.js';
import { PROBE_CASES } from './cases-probe.js';

const CASES = [...BASE_CASES, ...PROBE_CASES];
import { runCase } from './run-case.js';

const fixture = fileURLToPath(new URL('../../../../test/fixtures/template/gotmpl/', import.meta.url));
const goCases = CASES.filter((c) => c.go !== false);
const hasGo = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;

describe('template table against Go text/template', { skip: hasGo ? false : 'no go command' }, () => {
  let dir = '';
  let results: { out: string; err: string }[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-gotmpl-'));
    const bin = join(dir, 'gotmpl');
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' };
    const build = spawnSync('go', ['build', '-o', bin, '.'], { cwd: fixture, env, encoding: 'utf8' });
    assert.equal(build.status, 0, `building gotmpl failed:\n${build.stderr}`);
    const input = JSON.stringify(goCases.map((c) => ({ name: c.name, template: c.tpl, data: c.data ?? null })));
    const run = spawnSync(bin, [], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, `gotmpl failed:\n${run.stderr}`);
    results = JSON.parse(run.stdout) as { out: string; err: string }[];
    assert.equal(results.length, goCases.length);
  });

  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
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
