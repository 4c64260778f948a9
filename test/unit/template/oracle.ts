// Runs template cases through Go's own text/template: builds test/fixtures/template/gotmpl
// (stdlib only) once per process into a temporary directory and feeds it JSON on stdin.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GoResult {
  out: string;
  err: string;
}

const fixture = fileURLToPath(new URL('../../../../test/fixtures/template/gotmpl/', import.meta.url));

export const hasGo = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;

let binary: string | null = null;

function build(): string {
  if (binary !== null) return binary;
  const dir = mkdtempSync(join(tmpdir(), 'weft-gotmpl-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'gotmpl');
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' };
  const r = spawnSync('go', ['build', '-o', bin, '.'], { cwd: fixture, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building gotmpl failed (exit ${r.status}):\n${r.stderr}${r.error ? String(r.error) : ''}`);
  binary = bin;
  return bin;
}

/** Go's output or error for each case, in order. */
export function runGo(cases: { template: string; data: unknown }[]): GoResult[] {
  const input = JSON.stringify(cases.map((c) => ({ name: '', template: c.template, data: c.data ?? null })));
  const r = spawnSync(build(), [], { input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`gotmpl failed (exit ${r.status}):\n${r.stderr}`);
  const results = JSON.parse(r.stdout) as GoResult[];
  if (results.length !== cases.length) throw new Error(`gotmpl returned ${results.length} results for ${cases.length} cases`);
  return results;
}
