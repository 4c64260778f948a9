// Byte-range edits on the original text and the one place they are applied. Edits are kept as
// replacements and insertions over the untouched original; rendering a node applies the edits
// inside it, so advice on an outer node sees (and keeps) what was woven into its children.
// Text that comes from the original file travels through templates wrapped in private-use
// markers carrying its original offset; the final pass turns the markers into //line
// directives, so every user token keeps its file, line and byte column.
import { WeftError } from '../errors.js';
import type { SourceFile } from './source-file.js';

export const MARK_OPEN = '\uE000';
export const MARK_SEP = '\uE001';
export const MARK_CLOSE = '\uE002';
const MARKERS = /[\uE000-\uE002]/;

/** The file name generated code is attributed to (what Go itself uses for generated wrappers). */
export const GENERATED_FILE = '<generated>';

export interface Edit {
  start: number;
  end: number;
  /** Replacement text, markers included. */
  text: string;
  aspect: string;
  /** Where the advice was applied (for error messages). */
  at: number;
  /** Order among insertions at one position: inserts count up, prepends count down from -1. */
  seq: number;
  dead: boolean;
}

export interface Piece {
  /** Original offset of an original piece, or -1 for generated text. */
  orig: number;
  text: string;
  edit: Edit | null;
}

export class EditList {
  private readonly file: SourceFile;
  private readonly edits: Edit[] = [];
  private seq = 0;
  private prepends = 0;

  constructor(file: SourceFile) {
    this.file = file;
    if (MARKERS.test(file.text)) {
      throw new WeftError('E_INTERNAL', `${file.path} reached the editor with the marker characters U+E000..U+E002 unshielded (see shieldMarkers)`, { location: { file: file.path } });
    }
  }

  /** True when some live edit replaces original text (and so may have removed a use of an import). */
  get replaces(): boolean {
    return this.edits.some((e) => !e.dead && e.end > e.start);
  }

  get count(): number {
    return this.edits.filter((e) => !e.dead).length;
  }

  replace(start: number, end: number, text: string, aspect: string, at: number): void {
    for (const e of this.edits) if (!e.dead && contains(start, end, e, false)) e.dead = true;
    for (const e of this.edits) {
      if (!e.dead && e.start < end && start < e.end && !(e.start <= start && end <= e.end)) {
        throw new WeftError('E_INTERNAL', `overlapping edits at ${this.file.path}:${this.file.position(start).line}`, { aspect });
      }
    }
    this.edits.push({ start, end, text, aspect, at, seq: this.seq++, dead: false });
  }

  insert(pos: number, text: string, aspect: string, at: number): void {
    this.edits.push({ start: pos, end: pos, text, aspect, at, seq: this.seq++, dead: false });
  }

  /**
   * Inserts text before everything inserted at pos so far: advice applied later lands further
   * from the original code, as orchestrion's prepend (the first advice applied is the closest
   * to the body, so its defers run first).
   */
  prepend(pos: number, text: string, aspect: string, at: number): void {
    this.edits.push({ start: pos, end: pos, text, aspect, at, seq: -++this.prepends, dead: false });
  }

  /** The current text of [start, end) with markers, edits inside applied. */
  render(start: number, end: number): string {
    return this.pieces(start, end, false).map((p) => (p.orig >= 0 ? markOriginal(p.orig, p.text) : p.text)).join('');
  }

  /** The pieces of the whole file, top-level edits expanded. */
  filePieces(): Piece[] {
    return this.pieces(0, this.file.text.length, true);
  }

  private pieces(start: number, end: number, inclusive: boolean): Piece[] {
    const inside = this.edits
      .filter((e) => !e.dead && contains(start, end, e, inclusive))
      .sort((a, b) => a.start - b.start || (a.end === a.start ? 0 : 1) - (b.end === b.start ? 0 : 1) || a.seq - b.seq);
    const out: Piece[] = [];
    let pos = start;
    for (const e of inside) {
      if (e.start < pos) continue; // contained in an earlier replacement (cannot happen for live edits)
      if (e.start > pos) out.push({ orig: pos, text: this.file.text.slice(pos, e.start), edit: null });
      out.push({ orig: -1, text: e.text, edit: e });
      pos = e.end;
    }
    if (pos < end) out.push({ orig: pos, text: this.file.text.slice(pos, end), edit: null });
    return out;
  }
}

function contains(start: number, end: number, e: Edit, inclusive: boolean): boolean {
  if (e.start === e.end) return inclusive ? start <= e.start && e.start <= end : start < e.start && e.start < end;
  return start <= e.start && e.end <= end;
}

/**
 * A file may hold the marker characters itself (encoding/json/jsontext's tests do, in string
 * literals). Before weaving, each is swapped for a private-use character the file does not
 * contain — one UTF-16 unit and three UTF-8 bytes like the markers, so every offset and column
 * stays the same — and `restore` swaps them back in the woven text.
 */
export function shieldMarkers(text: string): { text: string; restore: (woven: string) => string } {
  if (!MARKERS.test(text)) return { text, restore: (woven) => woven };
  const stand: string[] = [];
  for (let c = 0xe003; c <= 0xf8ff && stand.length < 3; c++) {
    const ch = String.fromCharCode(c);
    if (!text.includes(ch)) stand.push(ch);
  }
  if (stand.length < 3) throw new WeftError('E_WEAVE_FAILED', 'the file uses nearly every Unicode private-use character (U+E000..U+F8FF); weft needs three of them free while weaving');
  const swap = (t: string, from: readonly string[], to: readonly string[]): string => t.replace(new RegExp(`[${from.join('')}]`, 'g'), (ch) => to[from.indexOf(ch)]!);
  const markers = [MARK_OPEN, MARK_SEP, MARK_CLOSE];
  return { text: swap(text, markers, stand), restore: (woven) => swap(woven, stand, markers) };
}

export function markOriginal(offset: number, text: string): string {
  return text === '' ? '' : `${MARK_OPEN}${offset}${MARK_SEP}${text}${MARK_CLOSE}`;
}

/** Splits marked text into original and generated runs. */
export function splitMarked(text: string): { orig: number; text: string }[] {
  const out: { orig: number; text: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf(MARK_OPEN, i);
    if (open < 0) {
      out.push({ orig: -1, text: text.slice(i) });
      break;
    }
    if (open > i) out.push({ orig: -1, text: text.slice(i, open) });
    const sep = text.indexOf(MARK_SEP, open);
    const close = text.indexOf(MARK_CLOSE, sep);
    if (sep < 0 || close < 0) throw new WeftError('E_INTERNAL', 'unbalanced source markers in woven text');
    out.push({ orig: Number(text.slice(open + 1, sep)), text: text.slice(sep + 1, close) });
    i = close + 1;
  }
  return out;
}

/** Maps generated runs through fn, leaving original runs untouched. */
export function mapGenerated(text: string, fn: (gen: string) => string): string {
  return splitMarked(text).map((r) => (r.orig >= 0 ? markOriginal(r.orig, r.text) : fn(r.text))).join('');
}

export interface LinearText {
  text: string;
  /** Output ranges of top-level edits, to attribute parse errors to an aspect. */
  spans: { start: number; end: number; edit: Edit }[];
}

/**
 * Produces the final woven text: a `//line` at the top, original runs kept at their original
 * positions through `/*line file:L:C*\/` directives (column-exact, valid anywhere between
 * tokens), generated runs attributed to <generated>.
 */
export function linearize(file: SourceFile, pieces: Piece[]): LinearText {
  let out = `//line ${file.path}:1:1\n`;
  let mode: 'orig' | 'gen' = 'orig';
  let nextOrig = 0;
  // Where generated text left the Go lexer: original text a template put inside a string
  // literal or comment (`"{{ .AST.Fun }}"`) is copied as is, since a directive there would
  // become part of the string.
  let lex: LexState = 'code';
  const spans: LinearText['spans'] = [];
  const emitOrig = (orig: number, text: string): void => {
    if (text === '') return;
    if (lex !== 'code') {
      out += text;
      lex = advanceLex(lex, text);
      mode = 'gen';
      return;
    }
    if (mode !== 'orig' || orig !== nextOrig) {
      const p = file.position(orig);
      out += p.column > 0 ? `/*line ${p.file}:${p.line}:${p.column}*/` : `/*line ${p.file}:${p.line}*/`;
    }
    out += text;
    mode = 'orig';
    nextOrig = orig + text.length;
  };
  const emitGen = (text: string): void => {
    if (text === '') return;
    if (mode !== 'gen') {
      // A directive after a line comment would be swallowed by it: emit leading newlines first.
      const lead = /^[ \t]*\n/.exec(text);
      if (lead) {
        out += lead[0];
        text = text.slice(lead[0].length);
      }
      out += `/*line ${GENERATED_FILE}:1:1*/`;
      mode = 'gen';
    }
    out += text;
    lex = advanceLex(lex, text);
  };
  for (const piece of pieces) {
    lex = 'code';
    if (piece.orig >= 0) {
      emitOrig(piece.orig, piece.text);
      continue;
    }
    const start = out.length;
    for (const run of splitMarked(piece.text)) {
      if (run.orig >= 0) emitOrig(run.orig, run.text);
      else emitGen(run.text);
    }
    if (piece.edit) spans.push({ start, end: out.length, edit: piece.edit });
  }
  return { text: out, spans };
}

type LexState = 'code' | 'string' | 'raw' | 'rune' | 'line-comment' | 'block-comment';

/**
 * For templates rendered inside an expression: every line comment of the generated text becomes
 * a block comment, and the line breaks around it a space. A line comment there
 * (`//dd:startwrap` above `{{ . }}`) would swallow whatever follows on the woven line (`, "x")`
 * of the enclosing call, or a //line directive), and a newline after `)` would insert a
 * semicolon inside the expression (orchestrion keeps such comments as decorations of the
 * expression, printed where they fit). A one-line block comment is a space to Go. Text from
 * the original file (marked runs) is never changed; it only moves the lexer state along.
 */
export function inlineLineComments(marked: string): string {
  let st: LexState = 'code';
  let out = '';
  for (const run of splitMarked(marked)) {
    if (run.orig >= 0) {
      out += markOriginal(run.orig, run.text);
      st = advanceLex(st, run.text);
      continue;
    }
    const text = run.text;
    let from = 0;
    let i = 0;
    while (i < text.length) {
      if (st === 'code' && text.startsWith('//', i)) {
        let end = text.indexOf('\n', i);
        if (end < 0) end = text.length;
        // The comment's own line breaks go too: after `)` a newline would end the expression.
        const before = text.slice(from, i).replace(/\n[ \t]*$/, ' ');
        out += `${before}/*${text.slice(i + 2, end).replace(/\*\//g, '* /')}*/${end < text.length ? ' ' : ''}`;
        from = i = Math.min(end + 1, text.length);
        continue;
      }
      // Escapes and two-character comment delimiters are one step for advanceLex.
      const step = text[i] === '\\' || (text[i] === '/' && text[i + 1] === '*') || (text[i] === '*' && text[i + 1] === '/') ? 2 : 1;
      st = advanceLex(st, text.slice(i, i + step));
      i += step;
    }
    out += text.slice(from);
  }
  return out;
}

/** Advances a minimal Go lexer state over text: enough to know whether we are inside a literal or comment. */
export function advanceLex(state: LexState, text: string): LexState {
  let st = state;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    switch (st) {
      case 'code':
        if (c === '"') st = 'string';
        else if (c === '`') st = 'raw';
        else if (c === "'") st = 'rune';
        else if (c === '/' && text[i + 1] === '/') {
          st = 'line-comment';
          i++;
        } else if (c === '/' && text[i + 1] === '*') {
          st = 'block-comment';
          i++;
        }
        break;
      case 'string':
      case 'rune':
        if (c === '\\') i++;
        else if ((st === 'string' && c === '"') || (st === 'rune' && c === "'") || c === '\n') st = 'code';
        break;
      case 'raw':
        if (c === '`') st = 'code';
        break;
      case 'line-comment':
        if (c === '\n') st = 'code';
        break;
      case 'block-comment':
        if (c === '*' && text[i + 1] === '/') {
          st = 'code';
          i++;
        }
        break;
    }
  }
  return st;
}
