// The table of flags and environment variables (docs/usage.md, the README links it) is checked
// against the option parser:
// every `--weft-*` flag weft go takes is in it and every one in it is taken, with each value
// the table shows; its global options are commander's; every WEFT_* variable the README and
// docs/ name is read by weft's sources (a renamed or removed variable leaves no stale line).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extractWeftFlags, WEFT_GO_FLAGS } from '../../../src/build/go-args.js';
import { buildProgram } from '../../../src/cli/program.js';

const root = new URL('../../../../', import.meta.url).pathname;
const usage = readFileSync(join(root, 'docs', 'usage.md'), 'utf8');

/** The rows of docs/usage.md's `| flag | env | meaning |` table, cells unescaped. */
function flagRows(): { flag: string; env: string }[] {
  const lines = usage.split('\n');
  const start = lines.findIndex((l) => /^\| flag \| env \| meaning \|$/.test(l));
  assert.ok(start >= 0, 'docs/usage.md has a "| flag | env | meaning |" table');
  const rows: { flag: string; env: string }[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    const cells = l.replace(/\\\|/g, '\u0000').split('|').slice(1, -1).map((c) => c.replace(/\u0000/g, '|').trim());
    rows.push({ flag: cells[0]!, env: cells[1]! });
  }
  return rows;
}

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : ext.test(n) ? [p] : [];
  });
}

describe('the table of flags and environment variables', () => {
  it('lists exactly the --weft-* flags the parser takes', () => {
    const documented = new Set(flagRows().flatMap((r) => [...r.flag.matchAll(/--(weft-[a-z-]+)/g)].map((m) => m[1]!)));
    assert.deepEqual([...documented].sort(), [...WEFT_GO_FLAGS].sort());
  });

  it('every value the table shows for a flag is one the parser takes', () => {
    for (const { flag } of flagRows()) {
      for (const m of flag.matchAll(/`--(weft-[a-z-]+)(\[?=)?([^`\]]*)\]?`/g)) {
        const name = m[1]!;
        const values: (string | undefined)[] = m[2] === undefined ? [undefined] : m[3]!.startsWith('<') ? ['x'] : m[3]!.split('|');
        if (m[2] === '[=') values.push(undefined);
        for (const v of values) {
          const arg = v === undefined ? `--${name}` : `--${name}=${v}`;
          // A flag that takes its value as the next argument gets one.
          assert.doesNotThrow(() => extractWeftFlags([arg, ...(v === undefined ? ['x'] : []), 'build']), arg);
        }
      }
    }
  });

  it('the global options it names are options of the weft command', () => {
    const program = buildProgram({ env: {}, cwd: root, stdout: () => {}, stderr: () => {} }, { code: 0 });
    const longs = new Set(program.options.map((o) => o.long));
    for (const { flag } of flagRows()) {
      for (const m of flag.matchAll(/`(--(?!weft-)[a-z-]+)/g)) assert.ok(longs.has(m[1]!), `${m[1]} is not an option of weft (${[...longs].join(', ')})`);
    }
  });

  it('every WEFT_* variable README.md and docs/ name is read by weft', () => {
    const sources = [...filesUnder(join(root, 'src'), /\.ts$/), ...filesUnder(join(root, 'shim'), /\.go$/), ...filesUnder(join(root, 'bin'), /^weft(\.js)?$/), ...filesUnder(join(root, 'scripts'), /\.m?[jt]s$/), ...filesUnder(join(root, 'test'), /\.ts$/)]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const read = new Set([...sources.matchAll(/\bWEFT_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]));
    const docs = [join(root, 'README.md'), ...filesUnder(join(root, 'docs'), /\.md$/)];
    const missing: string[] = [];
    for (const file of docs) {
      for (const name of new Set([...readFileSync(file, 'utf8').matchAll(/\bWEFT_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]))) {
        if (!read.has(name)) missing.push(`${file.slice(root.length)}: ${name}`);
      }
    }
    assert.deepEqual(missing, [], 'documented but read nowhere in src/, shim/, bin/, scripts/ or test/ (the suite\'s own)');
  });
});
