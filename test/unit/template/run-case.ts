// Runs one table case through weft's engine, returning output or error text like gotmpl does.
import assert from 'node:assert/strict';
import { WeftError } from '../../../src/errors.js';
import { parseTemplate } from '../../../src/template/index.js';
import { CASE_FUNCS, type TemplateCase } from './cases.js';

export function runCase(c: TemplateCase): { out: string; err: string } {
  try {
    const t = parseTemplate(c.tpl, { name: 't', funcs: CASE_FUNCS });
    return { out: t.execute(c.data), err: '' };
  } catch (err) {
    if (err instanceof WeftError) {
      assert.equal(err.code, 'E_TEMPLATE', `${c.name}: error code`);
      return { out: '', err: err.message };
    }
    throw err;
  }
}

