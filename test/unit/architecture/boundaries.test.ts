// The rooms of src/ import only what their index.ts declares, and nothing imports in a circle:
// not rooms (value imports; type-only circles in their own category), not files inside a room.
// The rules themselves are checked on small made-up trees first, so the check can be seen to fail.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkBoundaries, formatReport, importsOf, type ProblemCategory } from './boundaries.js';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'weft-boundaries-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const categories = (root: string): ProblemCategory[] => checkBoundaries(root).problems.map((p) => p.category).sort();

describe('the boundary check', () => {
  it('reads static, re-exported, dynamic and type-only imports', () => {
    const imports = importsOf('x.ts', [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, f } from './e.js';",
      "export * from './g.js';",
      "export type { H } from './h.js';",
      "export type * from './i.js';",
      "import './side.js';",
      "async function k(): Promise<typeof import('./typed.js')> { return import('./dyn.js'); }",
      "import { x } from 'node:fs';",
    ].join('\n'));
    assert.deepEqual(imports.map((i) => `${i.specifier} ${i.kind}${i.dynamic ? ' dynamic' : ''}`), [
      './a.js value', './b.js type', './c.js type', './e.js value', './g.js value', './h.js type', './i.js type',
      './side.js value', './typed.js type', './dyn.js value dynamic', 'node:fs value',
    ]);
  });

  it('passes a layout that keeps its declarations', () => {
    const root = tree({
      'src/errors.ts': 'export const E = 1;\n',
      'src/low/index.ts': "// rooms: errors\nexport { E } from '../errors.js';\n",
      'src/high/index.ts': "// rooms: low errors\nimport { E } from '../low/index.js';\nexport const F = E;\n",
    });
    assert.deepEqual(checkBoundaries(root).problems, []);
  });

  it('fails on a missing declaration, an unknown room and an undeclared import', () => {
    const root = tree({
      'src/errors.ts': 'export const E = 1;\n',
      'src/low/index.ts': "// rooms: nowhere\nexport { E } from '../errors.js';\n",
      'src/high/index.ts': "import { E } from '../low/index.js';\nexport const F = E;\n",
      'src/mid/index.ts': "// rooms: none\nimport type { E } from '../low/index.js';\nexport type M = E;\n",
    });
    assert.deepEqual(categories(root), ['missing declaration', 'undeclared import', 'undeclared type-only import', 'unknown room']);
  });

  it('fails on a room circle, also when one side is a dynamic import', () => {
    const root = tree({
      'src/a/index.ts': "// rooms: b\nexport const A = 1;\nexport async function f() { return (await import('../b/index.js')).B; }\n",
      'src/b/index.ts': "// rooms: a\nimport { A } from '../a/index.js';\nexport const B = A;\n",
    });
    const report = checkBoundaries(root);
    assert.deepEqual(report.problems.map((p) => p.category), ['room circle']);
    assert.match(report.problems[0]!.message, /^a → b → a: src\/a\/index\.ts → src\/b\/index\.ts \(dynamic import\); src\/b\/index\.ts → src\/a\/index\.ts$/);
  });

  it('reports a circle closed only by a type-only import in its own category', () => {
    const root = tree({
      'src/a/index.ts': "// rooms: b\nimport type { B } from '../b/index.js';\nexport type A = B;\nexport const V = 1;\n",
      'src/b/index.ts': "// rooms: a\nimport { V } from '../a/index.js';\nexport type B = number;\nexport const W = V;\n",
    });
    assert.deepEqual(categories(root), ['room circle (type-only)']);
  });

  it('fails on a circle of files inside one room, and reports type-only ones apart', () => {
    const root = tree({
      'src/r/index.ts': "// rooms: none\nexport { x } from './x.js';\n",
      'src/r/x.ts': "import { y } from './y.js';\nexport const x = y;\n",
      'src/r/y.ts': "import { z } from './z.js';\nexport const y = 1;\nexport const yz = z;\n",
      'src/r/z.ts': "import { x } from './x.js';\nimport type { T } from './t.js';\nexport const z = () => x;\nexport type Z = T;\n",
      'src/r/t.ts': "import type { Z } from './z.js';\nexport type T = Z | number;\n",
    });
    const report = checkBoundaries(root);
    assert.deepEqual(report.problems.map((p) => p.category), ['file circle', 'file circle (type-only)']);
    assert.match(report.problems[0]!.message, /^src\/r\/x\.ts → src\/r\/y\.ts → src\/r\/z\.ts → src\/r\/x\.ts$/);
  });
});

describe('src/', () => {
  it('keeps every room within its declared imports, with no circles', (t) => {
    const report = checkBoundaries();
    t.diagnostic(formatReport(report));
    assert.ok(report.rooms.length > 5, 'found the rooms of src/');
    assert.deepEqual(report.problems, [], formatReport(report));
  });

  it('has no catch-all room: none over 2,500 lines but those that are one concern by nature', () => {
    // The weaver, Go's template language and the aspect schema grow with what they implement;
    // any other room that outgrows this holds more than one concern and should be cut.
    const oneConcern = new Set(['weave', 'template', 'config']);
    const big = checkBoundaries().rooms.filter((r) => r.lines > 2500 && !oneConcern.has(r.name)).map((r) => `${r.name} (${r.lines} lines)`);
    assert.deepEqual(big, []);
  });
});
