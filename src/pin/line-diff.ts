// The smallest record that turns one text back into another, line by line: pin keeps, in the
// tool file, the hunks that turn go.mod (and the tool file) as pin left them back into what the
// user had, so unpin restores the bytes, not only the meaning (a require block go get opened, a
// single-line require it rewrote). The edit script is src/line-diff.ts's.
import { diffLines } from '../line-diff.js';

/** Replace `del` lines starting at 0-based line `at` of the newer text with `ins`. */
export interface Hunk {
  readonly at: number;
  readonly del: number;
  readonly ins: readonly string[];
}

/** Lines including their terminators, so a missing final newline survives the round trip. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Hunks turning `newer` into `older`. */
export function undoHunks(older: string, newer: string): Hunk[] {
  const hunks: Hunk[] = [];
  let at = 0;
  let open: { at: number; del: number; ins: string[] } | null = null;
  for (const e of diffLines(splitLines(newer), splitLines(older))) {
    if (e.kind === ' ') {
      if (open !== null) hunks.push(open);
      open = null;
      at++;
      continue;
    }
    open ??= { at, del: 0, ins: [] };
    if (e.kind === '-') {
      open.del++;
      at++;
    } else open.ins.push(e.line);
  }
  if (open !== null) hunks.push(open);
  return hunks;
}

/** Applies undoHunks(older, newer) to `newer`, giving `older`. */
export function applyHunks(newer: string, hunks: readonly Hunk[]): string {
  const lines = splitLines(newer);
  for (const h of [...hunks].sort((x, y) => y.at - x.at)) lines.splice(h.at, h.del, ...h.ins);
  return lines.join('');
}
