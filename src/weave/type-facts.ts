// Two-pass matching: join points match syntactically, and where the type a decision needs is
// not written in the source (x := pkg.New(); x.M()), they ask a TypeQuestion instead of failing.
// The first pass collects the questions (its result is discarded); the server has the type oracle
// answer them for the whole package in one batch and weaves again with the answers (TypeFacts).
// A question can stay without a usable answer (the package does not type-check, the interface
// cannot be loaded): that candidate stays Undecided (undecided.ts: a warning, or an error in
// strict mode), never guessed.
import type { QualifiedType, TypeAnswer, TypeQuestion } from '../protocol/oracle-messages.js';
import type { SourceFile } from './source-file.js';
import type { SyntaxNode } from './syntax.js';
import { undecided, type Undecided } from './undecided.js';

export type { QualifiedType, TypeAnswer, TypeQuestion };

/** The oracle's answers for one package, handed back to the weaver. */
export interface TypeFacts {
  /** By questionKey(). */
  answers: Record<string, TypeAnswer>;
  /** Set when the package could not be type-checked: every question is undecidable for this reason. */
  error?: string;
  /** No further round will come: a question without an answer is undecidable. */
  final?: boolean;
}

export function questionKey(q: TypeQuestion): string {
  return `${q.k}\0${q.file}\0${q.start}\0${q.end}\0${q.k === 'implements' ? `${q.iface.path}\0${q.iface.name}` : ''}`;
}

export type Asked = { state: 'answered'; answer: TypeAnswer } | { state: 'pending' } | { state: 'undecidable'; reason: string };

/** What matching a type needs: the file, the package, and the oracle when there is one. */
export interface TypeContext {
  file: SourceFile;
  /** The import path of the package being woven. */
  importPath: string;
  /** Where join points ask what syntax cannot tell (absent: no type oracle, e.g. the golden tests' weaveFilesAsCommand). */
  oracle?: TypeQuestions;
}

/** One package's questions and answers during a weave. */
export class TypeQuestions {
  /** Questions this pass asked that have no answer yet. */
  readonly unanswered = new Map<string, TypeQuestion>();

  constructor(private readonly facts: TypeFacts | undefined) {}

  ask(q: TypeQuestion): Asked {
    if (this.facts?.error !== undefined) return { state: 'undecidable', reason: this.facts.error };
    const key = questionKey(q);
    const a = this.facts?.answers[key];
    if (a === undefined) {
      if (this.facts?.final === true) return { state: 'undecidable', reason: 'the type oracle was not asked about it' };
      this.unanswered.set(key, q);
      return { state: 'pending' };
    }
    if (a.error !== undefined) return { state: 'undecidable', reason: a.error };
    return { state: 'answered', answer: a };
  }
}

export function typeQuestion(file: SourceFile, node: SyntaxNode): TypeQuestion {
  return { k: 'type', file: file.path, start: file.byteOffset(node.start), end: file.byteOffset(node.end) };
}

export function implementsQuestion(file: SourceFile, node: SyntaxNode, iface: QualifiedType): TypeQuestion {
  return { k: 'implements', file: file.path, start: file.byteOffset(node.start), end: file.byteOffset(node.end), iface };
}

/** Parses `context.Context`, `net/http.Handler`, `error` (a template helper's argument) as a qualified name, or null. */
export function parseQualifiedType(text: string): QualifiedType | null {
  const t = text.trim();
  const dot = t.lastIndexOf('.');
  if (dot < 0) return /^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(t) ? { path: '', name: t } : null;
  const name = t.slice(dot + 1);
  const path = t.slice(0, dot);
  return path !== '' && /^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name) && !/[\s*[\]]/.test(path) ? { path, name } : null;
}

export function isAnswer(x: TypeAnswer | Undecided): x is TypeAnswer {
  return !('undecided' in x);
}

/**
 * The oracle's answer to `q`, or the Undecided that stands without one: `why` itself while the
 * question is pending (this pass is provisional) or when nobody can answer (`types.oracle`
 * absent), `why` with the oracle's reason when it could not answer.
 */
export function askTypes(types: TypeContext, q: TypeQuestion, why: Undecided): TypeAnswer | Undecided {
  if (types.oracle === undefined) return why;
  const asked = types.oracle.ask(q);
  if (asked.state === 'answered') return asked.answer;
  if (asked.state === 'pending') return why;
  return undecided(`${why.undecided} (the type oracle could not answer: ${asked.reason})`, ...(why.needsTypes !== undefined ? [why.needsTypes] : []));
}
