// Config problems are collected, never thrown one by one: a user fixing an aspect file wants
// every mistake in one run, each with file:line, the YAML path and what to do.
import { WeftError } from '../errors.js';

export interface Problem {
  readonly file: string;
  readonly line: number;
  /** YAML path such as `aspects[2].join-point`; '' for the document itself. */
  readonly path: string;
  readonly message: string;
}

/** One detail line: `file:line: path: message`. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.path === '' ? '<document>' : p.path}: ${p.message}`;
}

/** Sorts problems by file then line so the report reads top to bottom, keeping discovery order for ties. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.file < b.p.file ? -1 : a.p.file > b.p.file ? 1 : a.p.line - b.p.line || a.i - b.i))
    .map((x) => x.p);
}

/** The one error a failed validation throws: `N problems in <file>` with one detail line each. */
export function problemsError(rootFile: string, problems: readonly Problem[]): WeftError {
  const sorted = sortProblems(problems);
  const first = sorted[0];
  const n = sorted.length;
  return new WeftError('E_CONFIG_INVALID', `${n} ${n === 1 ? 'problem' : 'problems'} in ${rootFile}`, {
    details: sorted.map(formatProblem),
    hint: 'fix the aspect configuration; every problem is listed with its file, line and YAML path',
    ...(first ? { location: { file: first.file, line: first.line } } : {}),
  });
}

/** Levenshtein distance, small inputs only (config keys). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const left = prev[j - 1] ?? 0;
      prev[j] = Math.min(up + 1, left + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo: at most a third
 * of the word's length in edits (and at least one), so `functon-call` suggests `function-call`
 * but `foo` suggests nothing.
 */
export function suggest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(word.length / 3));
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : null;
}

/** ` — did you mean `x`?` or '' */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggest(word, candidates);
  return s === null ? '' : ` — did you mean \`${s}\`?`;
}
