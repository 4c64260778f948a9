// The weaver's property fuzz, long: several seeds, WEFT_HEAVY_FUZZ_SECONDS each (default 120).
// A failure names its seed and case; add the mutant to the regression tests.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fuzzWeaver } from '../unit/weave/fuzz-weaver.js';

const seconds = Number(process.env['WEFT_HEAVY_FUZZ_SECONDS'] ?? '120');

for (const seed of [2, 3, 4]) {
  it(`weaver fuzz, seed ${seed}, ${seconds}s`, { timeout: (seconds + 120) * 1000 }, async () => {
    const r = await fuzzWeaver(seed, seconds * 1000);
    console.log(`weaver fuzz seed ${seed}: ${r.cases} cases, ${r.parsed} parsed, ${r.woven} woven, ${r.failures.length} failures`);
    assert.ok(r.woven > 0);
    assert.deepEqual(r.failures, []);
  });
}
