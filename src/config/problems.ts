// Config problems are collected, never thrown one by one: a user fixing an aspect file wants
// every mistake in one run, each with file:line, the YAML path and what to do.
import { WeftError } from '../errors.js';

export interface Problem {
  readonly file: string;
  readonly line: number;
  /** YAML path such as `aspects[2].join-point`; '' for the document itself. */
  readonly path: string;
  readonly message: string;
  /** How the file was reached when it is not the user's own (`package X, imported at tool.go:3`). */
  readonly via?: string;
}

/** One detail line: `file:line: path: message[ (via)]`. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.path === '' ? '<document>' : p.path}: ${p.message}${p.via !== undefined ? ` (${p.via})` : ''}`;
}

/** Sorts problems by file then line so the report reads top to bottom, keeping discovery order for ties. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.file < b.p.file ? -1 : a.p.file > b.p.file ? 1 : a.p.line - b.p.line || a.i - b.i))
    .map((x) => x.p);
}

/** The one error a failed validation throws: `N problems in <file>` with one detail line each. */
export function problemsError(rootFile: string, problems: readonly Problem[], hint?: string): WeftError {
  const sorted = sortProblems(problems);
  const first = sorted[0];
  const n = sorted.length;
  return new WeftError('E_CONFIG_INVALID', `${n} ${n === 1 ? 'problem' : 'problems'} in ${rootFile}`, {
    details: sorted.map(formatProblem),
    hint: hint ?? 'fix the aspect configuration; every problem is listed with its file, line and YAML path',
    ...(first ? { location: { file: first.file, line: first.line } } : {}),
  });
}

/** Edit distance counting an adjacent transposition as one edit (`nmae` → `name`); small inputs only. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

/**
 * The closest candidate to `word` if it is a plausible typo: within (length-1)/2 edits, so
 * `functon-call` suggests `function-call` and `results` suggests `returns` while `foo` suggests
 * nothing; or a candidate the word is a prefix of (`pointer` → `pointer-only`).
 */
export function suggest(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== null && bestDistance <= Math.max(1, Math.floor((w.length - 1) / 2))) return best;
  if (w.length >= 3) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(w));
    if (prefixed.length === 1) return prefixed[0]!;
  }
  return null;
}

/** ` — did you mean `x`?` or '' */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggest(word, candidates);
  return s === null ? '' : ` — did you mean \`${s}\`?`;
}
