import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectGarbage } from '../../src/heap.js';

test('collectGarbage frees what nothing holds, at once', () => {
  let garbage: number[][] | null = Array.from({ length: 200 }, (_, i) => new Array<number>(50_000).fill(i));
  const held = process.memoryUsage().heapUsed;
  garbage = null;
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  assert.equal(garbage, null);
  // 200 × 50,000 numbers: about 76 MiB as small integers; most of it must be gone.
  assert.ok(held - after > 40 * 1048576, `heap ${held >> 20} MiB before, ${after >> 20} MiB after`);
});

test('the process\'s own globals stay as they were', () => {
  collectGarbage();
  assert.equal((globalThis as { gc?: unknown }).gc, undefined);
});
