// docs/reference.md is generated from the registries: this fails when a kind was added, removed
// or re-described without regenerating it (`npm run docs`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ADVICE_PARSERS, JOIN_POINT_PARSERS } from '../../../src/config/index.js';

const script = new URL('../../../../scripts/gen-reference.mjs', import.meta.url);

describe('docs/reference.md', () => {
  it('is what scripts/gen-reference.mjs generates from the registries now', async () => {
    const { renderReference, REFERENCE_FILE } = (await import(script.href)) as { renderReference: () => Promise<string>; REFERENCE_FILE: string };
    const expected = await renderReference();
    assert.equal(readFileSync(REFERENCE_FILE, 'utf8'), expected, 'docs/reference.md is stale: run `npm run docs` and commit it');
  });

  it('lists every registered kind', () => {
    const text = readFileSync(new URL('../../../../docs/reference.md', import.meta.url), 'utf8');
    for (const k of [...Object.keys(JOIN_POINT_PARSERS), ...Object.keys(ADVICE_PARSERS)]) assert.ok(text.includes(`| \`${k}\` |`), k);
  });
});
