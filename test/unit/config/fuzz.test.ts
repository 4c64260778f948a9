// Fuzzing the configuration loader with mutated real aspect files (seeded, so failures replay):
// every input either loads into a configuration whose fingerprint is stable, or is refused with
// a WeftError naming the file; nothing else may escape (no TypeError from a half-checked node).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { WeftError } from '../../../src/errors.js';
import { mutate, rng } from '../weave/fuzz-weaver.js';
import { FIXTURES, loadText } from './helpers.js';

const SOURCES = ['realistic/net-http-server.yml', 'realistic/database-sql.yml', 'realistic/span-directive.yml', 'realistic/log-slog.yml', 'anchors/with-anchors.yml']
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
const cases = Number(process.env['WEFT_FUZZ_CONFIG_CASES'] ?? '300');

it(`mutated aspect files load or fail with a WeftError, never anything else (seed 7, ${cases} cases)`, async () => {
  const rnd = rng(7);
  let loaded = 0;
  const failures: string[] = [];
  for (let c = 0; c < cases && failures.length < 5; c++) {
    const text = mutate(SOURCES[Math.floor(rnd() * SOURCES.length)]!, rnd);
    try {
      const a = await loadText(text);
      const b = await loadText(text);
      if (a.fingerprint !== b.fingerprint) failures.push(`case ${c}: the same text gave two fingerprints`);
      loaded++;
    } catch (e) {
      if (!(e instanceof WeftError)) failures.push(`case ${c}: threw ${(e as Error).stack ?? String(e)}\n--- input ---\n${text}`);
      else if (!/weft\.yml/.test([e.message, ...e.details, e.location?.file ?? ''].join('\n'))) failures.push(`case ${c}: ${e.code} does not name the file: ${e.message}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(loaded > 0, 'no mutant loaded: the fuzz never reached the validated path');
});
