// screenPackages: a plan's screening with the scans in the pool must give, package by package,
// what screenPackage gives on the server's thread — verdicts and counts — and below the
// threshold it must not touch the pool at all.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ResolvedConfig } from '../../../src/config/types.js';
import { createPool, type WorkerPool } from '../../../src/pool/index.js';
import type { WeavePackageInput } from '../../../src/weave/api.js';
import { screenPackages } from '../../../src/weave/screen-pool.js';
import { screenPackage, type Screening } from '../../../src/weave/weave-package.js';
import { advice, aspect, config, input, jp, tempDir, tpl } from './helpers.js';

const tmp = tempDir('weft-screen-pool-');
const pool = createPool({ size: 2 });
after(async () => {
  await pool.close();
  tmp.cleanup();
});

const plain = (name: string, pkg = 'app'): string => tmp.write(name, `package ${pkg}\n\nfunc Plain() int { return 1 }\n`);
const caller = tmp.write('caller.go', 'package app\n\nimport "net/http"\n\nfunc Fetch() { _, _ = http.Get("u") }\n');
const missing = join(tmp.dir, 'missing.go');
const named = tmp.write('named.go', '// Package tracing is commented first: package decoy\n/* package decoy2 */\npackage tracing\n\nfunc T() {}\n');
const big = tmp.write('big.go', `package app\n\nvar x = "${'y'.repeat(4000)}"\n`);
const p = Array.from({ length: 12 }, (_, i) => plain(`p${i}.go`));

const wrapGet = aspect('get', jp({ kind: 'function-call', callee: { path: 'net/http', name: 'Get' } }), advice({ kind: 'wrap-expression', template: tpl('{{ . }}') }));
const bodyOf = (name: string) => aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name }] }) }), advice({ kind: 'prepend-statements', template: tpl('println()') }));
const onlyApp = aspect('app', jp({ kind: 'import-path', path: 'example.com/app' }), advice({ kind: 'add-blank-import', path: 'expvar' }));
const byName = (name: string) => aspect('n', jp({ kind: 'package-name', name }), advice({ kind: 'add-blank-import', path: 'expvar' }));

/** Packages that exercise every verdict: none, candidate early and late, unreadable before and after a match, over the budget. */
const packages: WeavePackageInput[] = [
  input('example.com/none', [p[0]!, p[1]!, p[2]!]),
  input('example.com/early', [caller, p[3]!]),
  input('example.com/late', [p[4]!, p[5]!, caller]),
  input('example.com/budget', [big, p[8]!, p[9]!]),
  input('example.com/budget-last', [p[10]!, big]),
  input('example.com/app', [p[11]!]),
  input('example.com/t', [named]),
  input('example.com/unreadable', [p[6]!, missing, p[7]!]),
  input('example.com/one', [p[0]!]),
  input('example.com/matched-before-unreadable', [caller, missing]),
];

const configs: [string, ResolvedConfig][] = [
  ['a call needle', config(wrapGet)],
  ['a body needle and a call needle', config(bodyOf('Fetch'), wrapGet)],
  ['a fileOnly plan beside needles', config(onlyApp, wrapGet)],
  ['package-name', config(byName('tracing'), wrapGet)],
  ['a needle no file holds', config(bodyOf('Nothing'))],
];

/** A screening without its timing, which differs run to run. */
function comparable(s: Screening): unknown {
  return s.verdict === 'none' ? { verdict: s.verdict, files: s.result.files, filesScanned: s.result.stats.filesScanned } : s;
}

const byteBudget = 2000;

describe('screenPackages', () => {
  for (const [name, cfg] of configs) {
    test(`in the pool and on this thread alike: ${name}`, async () => {
      const expected = packages.map((x) => comparable(screenPackage(x, cfg, '', { byteBudget })));
      // Batches of 4 files: tasks hold several packages, and packages straddle no task.
      const inPool = await screenPackages(packages, cfg, { pool, poolMinFiles: 0, taskFiles: 4, byteBudget });
      assert.deepEqual(inPool.screenings.map(comparable), expected);
      const here = await screenPackages(packages, cfg, { pool, poolMinFiles: Infinity, byteBudget });
      assert.deepEqual(here.screenings.map(comparable), expected);
      assert.equal(here.inPool, 0);
    });
  }

  test('the cases above decide as intended (so that agreeing means something)', async () => {
    const s = (await screenPackages(packages, config(wrapGet), { pool, poolMinFiles: 0, taskFiles: 4, byteBudget })).screenings.map((x) => x.verdict);
    assert.deepEqual(s, ['none', 'candidate', 'candidate', 'undecided', 'none', 'none', 'none', 'undecided', 'none', 'candidate']);
    const counts = (await screenPackages(packages, config(wrapGet), { pool, poolMinFiles: 0, byteBudget })).screenings.map((x) => (x.verdict === 'none' ? x.result.stats.filesScanned : -1));
    assert.deepEqual(counts, [3, -1, -1, -1, 2, 1, 1, -1, 1, -1]);
  });

  test('the pool scans packages that need scanning, and a batch with an unreadable file is scanned here again', async () => {
    const before = pool.stats().tasks;
    const r = await screenPackages(packages, config(wrapGet), { pool, poolMinFiles: 0, taskFiles: 4, byteBudget });
    // Every package needs a scan under this config. Tasks of 4 files or more: [none, early],
    // [late, budget], [budget-last, app, t], [unreadable, one], [matched-before-unreadable]; the
    // two holding missing.go fail in the worker and are scanned here.
    assert.equal(r.inPool, packages.length - 3);
    assert.ok(pool.stats().tasks > before);
  });

  test('below the threshold the pool is not used, at it the pool is', async () => {
    const used: string[] = [];
    const recording: WorkerPool = {
      size: 2,
      run: (file, task, transfer, options) => {
        used.push(String(file));
        return pool.run(file, task, transfer, options);
      },
      warm: (files) => pool.warm(files),
      close: async () => undefined,
      stats: () => pool.stats(),
    };
    const few = [input('example.com/a', [p[0]!, p[1]!]), input('example.com/b', [caller])];
    const below = await screenPackages(few, config(wrapGet), { pool: recording, poolMinFiles: 4 });
    assert.equal(below.inPool, 0);
    assert.equal(used.length, 0);
    const at = await screenPackages(few, config(wrapGet), { pool: recording, poolMinFiles: 3 });
    assert.equal(at.inPool, 2);
    assert.ok(used.length > 0 && used.every((f) => f.endsWith('scan-worker.js')), used.join());
    assert.deepEqual(at.screenings.map(comparable), below.screenings.map(comparable));
    // Files of packages the package-level plan decides do not count towards the threshold.
    used.length = 0;
    const decided = await screenPackages([input('example.com/app', [p[0]!, p[1]!, p[2]!])], config(onlyApp), { pool: recording, poolMinFiles: 1 });
    assert.deepEqual(decided.screenings.map((x) => x.verdict), ['candidate']);
    assert.equal(used.length, 0);
  });
});
