import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stripLineDirectives, unifiedDiff } from '../../../src/weave/index.js';

const hasDiff = spawnSync('sh', ['-c', 'command -v diff && command -v patch'], { stdio: 'ignore' }).status === 0;

/** Applies a unified diff with patch(1): the oracle for the diff being right. */
function applyWithPatch(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-udiff-'));
  try {
    writeFileSync(join(dir, 'f.go'), before);
    writeFileSync(join(dir, 'p.diff'), diff);
    const r = spawnSync('patch', ['-s', '-o', '-', join(dir, 'f.go'), join(dir, 'p.diff')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('unifiedDiff', () => {
  it('equal texts give no diff', () => {
    assert.deepEqual(unifiedDiff('a\nb\n', 'a\nb\n', { from: 'a', to: 'b' }), { text: '', added: 0, removed: 0 });
  });

  it('matches diff -u on a simple insertion', { skip: !hasDiff && 'diff/patch not installed' }, () => {
    const a = 'package p\n\nfunc F() {\n\treturn\n}\n';
    const b = 'package p\n\nfunc F() {\n\tprintln("x")\n\treturn\n}\n';
    const d = unifiedDiff(a, b, { from: 'a/f.go', to: 'b/f.go' });
    assert.equal(d.text, '--- a/f.go\n+++ b/f.go\n@@ -1,5 +1,6 @@\n package p\n \n func F() {\n+\tprintln("x")\n \treturn\n }\n');
    assert.equal(d.added, 1);
  });

  it('patch(1) turns the original into the new text, for many random edits', { skip: !hasDiff && 'diff/patch not installed' }, () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let round = 0; round < 40; round++) {
      const a = Array.from({ length: 10 + rnd(60) }, (_, i) => `line ${i % 7} ${rnd(3)}`);
      const b = [...a];
      for (let k = rnd(6) + 1; k > 0; k--) {
        const at = rnd(b.length + 1);
        if (rnd(2) === 0) b.splice(at, 0, `new ${round}.${k}`);
        else b.splice(at, 1);
      }
      // Some rounds end a text without a newline (woven files can).
      const before = a.join('\n') + (round % 5 === 1 ? '' : '\n');
      const after = b.join('\n') + (round % 7 === 2 ? '' : '\n');
      const d = unifiedDiff(before, after, { from: 'a/f.go', to: 'b/f.go' });
      if (before === after) continue;
      assert.equal(applyWithPatch(before, d.text), after, `round ${round}`);
      assert.equal(d.added - d.removed, b.length - a.length);
    }
  });
});

describe('stripLineDirectives', () => {
  it('drops the weaver\'s //line and /*line*/ directives and the lines they leave empty', () => {
    const woven = '//line /m/f.go:1:1\npackage p\n\nimport "strings"\n/*line <generated>:1:1*/import x "fmt"\n/*line /m/f.go:3:17*/\n\nfunc F() {}\n';
    assert.equal(stripLineDirectives(woven), 'package p\n\nimport "strings"\nimport x "fmt"\n\nfunc F() {}\n');
  });
});
