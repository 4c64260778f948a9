// The smallest record that turns one text back into another, line by line: pin keeps, in the
// tool file, the hunks that turn go.mod (and the tool file) as pin left them back into what the
// user had, so unpin restores the bytes, not only the meaning (a require block go get opened, a
// single-line require it rewrote). Texts are go.mod-sized: a quadratic LCS is enough.

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
  const a = splitLines(newer);
  const b = splitLines(older);
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: { at: number; del: number; ins: string[] } | null = null;
  const close = (): void => {
    if (open !== null) hunks.push(open);
    open = null;
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      close();
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      open ??= { at: i, del: 0, ins: [] };
      open.ins.push(b[j]!);
      j++;
    } else {
      open ??= { at: i, del: 0, ins: [] };
      open.del++;
      i++;
    }
  }
  close();
  return hunks;
}

/** Applies undoHunks(older, newer) to `newer`, giving `older`. */
export function applyHunks(newer: string, hunks: readonly Hunk[]): string {
  const lines = splitLines(newer);
  for (const h of [...hunks].sort((x, y) => y.at - x.at)) lines.splice(h.at, h.del, ...h.ins);
  return lines.join('');
}
