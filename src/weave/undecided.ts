// The one rule for what weft cannot decide or weave. A join point answers true, false, or
// Undecided; so do templates that need type information, and a file that does not parse. A
// candidate is dropped quietly only when a match is provably impossible (the matcher answers
// false); an Undecided becomes a WeaveWarning: the compile still succeeds, the warning is
// printed under `# pkg` and counted, and strict mode (`--weft-strict`, WEFT_STRICT=1) turns
// every warning into a failed compile (E_UNDECIDABLE). Nothing else in weft decides this.
//
// Shape for a type oracle: `needsTypes` names the expression (its UTF-16 offsets in the file
// and its text) and the question, e.g. { question: 'type-of', start, end, expr: 'db' } for
// `db.Query(...)` under a method-call join point. An oracle answers the question and the
// matcher runs again with the answer; until then the Undecided stands.
import { WeftError } from '../errors.js';
import type { SourceFile } from './source-file.js';
import type { SyntaxNode } from './syntax.js';

/** What type information would decide a candidate. */
export interface NeedsTypes {
  /** `type-of`: the type of the expression; `implements`: whether its type implements `type`. */
  question: 'type-of' | 'implements';
  /** UTF-16 offsets of the expression in the file's text. */
  start: number;
  end: number;
  expr: string;
  /** For `implements`: the interface, as written in the aspect (`io.Reader`). */
  type?: string;
}

export interface Undecided {
  readonly undecided: string;
  readonly needsTypes?: NeedsTypes;
}

/** A join point's answer for one node. */
export type Match = boolean | Undecided;

export function undecided(reason: string, needsTypes?: NeedsTypes): Undecided {
  return needsTypes !== undefined ? { undecided: reason, needsTypes } : { undecided: reason };
}

export function isUndecided(m: Match): m is Undecided {
  return typeof m === 'object';
}

/** The question "what is the type of this expression" about a node of the file. */
export function typeOf(file: SourceFile, node: SyntaxNode): NeedsTypes {
  return { question: 'type-of', start: node.start, end: node.end, expr: file.slice(node) };
}

// Three-valued (Kleene) logic: false wins a conjunction, true a disjunction; otherwise an
// Undecided part leaves the whole undecided. Parts are evaluated lazily, left to right.

export function allOfMatches(parts: Iterable<() => Match>): Match {
  let pending: Undecided | null = null;
  for (const part of parts) {
    const m = part();
    if (m === false) return false;
    if (m !== true) pending ??= m;
  }
  return pending ?? true;
}

export function anyOfMatches(parts: Iterable<() => Match>): Match {
  let pending: Undecided | null = null;
  for (const part of parts) {
    const m = part();
    if (m === true) return true;
    if (m !== false) pending ??= m;
  }
  return pending ?? false;
}

export function notMatch(m: Match): Match {
  return typeof m === 'boolean' ? !m : m;
}

/** A candidate weft could neither weave nor rule out: plain data, it crosses threads and the socket. */
export interface WeaveWarning {
  /** The aspect id (several, comma-separated, when a whole file could not be looked at). */
  aspect: string;
  file: string;
  line: number;
  column: number;
  reason: string;
  needsTypes?: NeedsTypes;
}

/** `file:line:col: aspect "id" not woven: reason`, the line printed under `# pkg`. */
export function formatWarning(w: WeaveWarning): string {
  return `weft: warning: ${w.file}:${w.line}${w.column > 0 ? `:${w.column}` : ''}: aspect "${w.aspect}" not woven: ${w.reason}`;
}

export const STRICT_HINT = 'without --weft-strict (WEFT_STRICT=1) these are warnings and the package compiles unwoven at those places; declare the types in sight, or match with function-call / function';

/** Strict mode: every warning of one compile, as one error. */
export function undecidableError(pkg: string, warnings: readonly WeaveWarning[]): WeftError {
  const first = warnings[0]!;
  const lines = warnings.map((w) => `  ${formatWarning(w).replace(/^weft: warning: /, '')}`);
  return new WeftError('E_UNDECIDABLE', `strict mode: ${pkg} has ${warnings.length} candidate(s) weft could not decide or weave:\n${lines.join('\n')}`, {
    aspect: first.aspect,
    location: { file: first.file, line: first.line, column: first.column },
    hint: STRICT_HINT,
  });
}

/** Thrown from inside a template or an advice when weaving needs what weft cannot know. */
export class UndecidableError extends Error {
  readonly why: Undecided;
  constructor(why: Undecided) {
    super(why.undecided);
    this.why = why;
  }
}
