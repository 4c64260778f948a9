// Unified diffs of woven files against their originals, for `weft diff`: the weaver's //line
// bookkeeping is taken out first (unless asked for), so the diff shows the code the aspects add.
import { diffLines } from '../line-diff.js';

/** Removes the `//line` and `/*line …*\/` directives the weaver adds; a line left empty by that goes too. */
export function stripLineDirectives(woven: string): string {
  const out: string[] = [];
  for (const line of woven.split('\n')) {
    if (/^\/\/line \S.*:\d+(:\d+)?$/.test(line)) continue;
    const stripped = line.replace(/\/\*line [^*\n]*:\d+(:\d+)?\*\//g, '');
    if (stripped === '' && line !== '') continue;
    out.push(stripped);
  }
  return out.join('\n');
}

export interface FileDiff {
  /** The unified diff text ('' when the texts are equal). */
  text: string;
  added: number;
  removed: number;
}

const NO_EOL = '\u0000no-eol';

/** Lines of a text; a last line without a newline carries NO_EOL, so it differs from the same line with one. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** `diff -u` of two texts, with `context` lines around each change. */
export function unifiedDiff(before: string, after: string, names: { from: string; to: string }, context = 3): FileDiff {
  if (before === after) return { text: '', added: 0, removed: 0 };
  const ops = diffLines(splitLines(before), splitLines(after));
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  let text = `--- ${names.from}\n+++ ${names.to}\n`;
  let added = 0;
  let removed = 0;
  // Line numbers (1-based) of each op in a and b.
  const posA: number[] = [];
  const posB: number[] = [];
  let la = 1;
  let lb = 1;
  for (const o of ops) {
    posA.push(la);
    posB.push(lb);
    if (o.kind !== '+') la++;
    if (o.kind !== '-') lb++;
  }
  let h = 0;
  while (h < changed.length) {
    const first = Math.max(0, changed[h]! - context);
    let last = Math.min(ops.length - 1, changed[h]! + context);
    while (h + 1 < changed.length && changed[h + 1]! - context <= last + 1) {
      h++;
      last = Math.min(ops.length - 1, changed[h]! + context);
    }
    h++;
    const hunk = ops.slice(first, last + 1);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    const startA = countA === 0 ? posA[first]! - 1 : posA[first]!;
    const startB = countB === 0 ? posB[first]! - 1 : posB[first]!;
    text += `@@ -${startA},${countA} +${startB},${countB} @@\n`;
    for (const o of hunk) {
      text += o.line.endsWith(NO_EOL) ? `${o.kind}${o.line.slice(0, -NO_EOL.length)}\n\\ No newline at end of file\n` : `${o.kind}${o.line}\n`;
      if (o.kind === '+') added++;
      else if (o.kind === '-') removed++;
    }
  }
  return { text, added, removed };
}
