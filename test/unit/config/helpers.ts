// Shared helpers for the config tests: temporary aspect files, loading, and problem assertions.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../../../src/errors.js';
import { loadConfig } from '../../../src/config/index.js';
import type { JoinPointSpec, AdviceSpec, ResolvedConfig } from '../../../src/config/index.js';

/** Repository root, from dist/test/unit/config/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'config');

export const META = 'meta:\n  name: test\n  description: a test file\n';

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** Writes files (relative name → text) into a fresh temporary directory (removed at exit) and returns it. */
export function writeTemp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-config-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

/** Loads one YAML text as weft.yml in a temporary directory. */
export async function loadText(text: string): Promise<ResolvedConfig> {
  const dir = writeTemp({ 'weft.yml': text });
  return loadConfig(join(dir, 'weft.yml'));
}

/** An aspect file with one aspect made of the given join point and advice YAML (indented blocks). */
export function oneAspect(joinPoint: string, advice = 'add-blank-import: unsafe'): string {
  const indent = (s: string, n: number) => s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
  return `${META}aspects:\n  - id: the-aspect\n    join-point:\n${indent(joinPoint, 6)}\n    advice:\n${indent(advice, 6)}\n`;
}

export async function joinPointOf(joinPoint: string): Promise<JoinPointSpec> {
  const c = await loadText(oneAspect(joinPoint));
  assert.equal(c.aspects.length, 1);
  return c.aspects[0]!.joinPoint;
}

export async function adviceOf(advice: string): Promise<readonly AdviceSpec[]> {
  const c = await loadText(oneAspect('package-name: main', advice));
  return c.aspects[0]!.advice;
}

/** Removes `location` fields recursively so specs compare by meaning. */
export function strip<T>(value: T): T {
  if (Array.isArray(value)) return value.map(strip) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'location') out[k] = strip(v);
    return out as T;
  }
  return value;
}

export interface ExpectedProblem {
  line: number;
  path: string;
  message: RegExp;
}

/** Loads text expecting E_CONFIG_INVALID with exactly these problems (order-insensitive). */
export async function expectProblems(text: string, expected: ExpectedProblem[]): Promise<WeftError> {
  const dir = writeTemp({ 'weft.yml': text });
  const file = join(dir, 'weft.yml');
  let caught: unknown;
  try {
    await loadConfig(file);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof WeftError, `expected a WeftError, got ${String(caught)}`);
  assert.equal(caught.code, 'E_CONFIG_INVALID', caught.message);
  const n = expected.length;
  assert.equal(caught.message, `${n} ${n === 1 ? 'problem' : 'problems'} in ${file}`, caught.details.join('\n'));
  const details = [...caught.details];
  for (const e of expected) {
    const prefix = `${file}:${e.line}: ${e.path === "" ? "<document>" : e.path}: `;
    const i = details.findIndex((d) => d.startsWith(prefix) && e.message.test(d.slice(prefix.length)));
    assert.ok(i >= 0, `no problem ${prefix}${e.message} among:\n${caught.details.join('\n')}`);
    details.splice(i, 1);
  }
  return caught;
}
