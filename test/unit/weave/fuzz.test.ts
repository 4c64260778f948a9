// The weaver's property fuzz (see fuzz-weaver.ts) with a fixed seed and a small time budget;
// WEFT_FUZZ_SECONDS lengthens it, and `npm run test:heavy` runs it long with other seeds.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fuzzWeaver } from './fuzz-weaver.js';

const seconds = Number(process.env['WEFT_FUZZ_SECONDS'] ?? '15');

it(`weaving mutated standard-library files keeps them parsing and every token mapped back (seed 1, ${seconds}s)`, async () => {
  const r = await fuzzWeaver(1, seconds * 1000);
  console.log(`weaver fuzz: ${r.cases} cases, ${r.parsed} parsed, ${r.woven} woven, ${r.failures.length} failures`);
  assert.ok(r.woven > 0, 'no mutant was woven: the fuzz checked nothing');
  assert.deepEqual(r.failures, []);
});
