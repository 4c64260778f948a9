// One Go file being woven: its text, its tree, its imports and the position arithmetic that
// turns UTF-16 string indices into what Go reports (1-based lines, byte columns), honouring
// //line directives the input already carries (cgo output, generated code) so that woven files
// map back to the same places the unwoven file did.
import type { SyntaxNode } from './syntax.js';
import { resolveImports, type FileImports } from './imports.js';

export interface GoPosition {
  file: string;
  line: number;
  /** 1-based byte column; 0 when unknown, as Go has it after a //line directive without a column. */
  column: number;
}

interface LineDirective {
  /** Index just after the directive comment (where its mapping starts). */
  at: number;
  /** Physical line (1-based) at `at`. */
  physLine: number;
  /** Byte column at `at` (1-based). */
  physColumn: number;
  file: string;
  line: number;
  column: number | null;
  /** `//line` applies from the next line; the block form from the next character. */
  block: boolean;
}

export class SourceFile {
  readonly path: string;
  readonly text: string;
  readonly root: SyntaxNode;
  readonly imports: FileImports;
  private readonly lineStarts: number[];
  private readonly directives: LineDirective[];
  /** Every identifier spelled in the file, for choosing names that cannot collide. */
  private identifiers: Set<string> | null = null;
  private ascii: boolean | undefined;

  constructor(path: string, text: string, root: SyntaxNode) {
    this.path = path;
    this.text = text;
    this.root = root;
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.directives = this.findLineDirectives();
    this.imports = resolveImports(this);
  }

  slice(node: { start: number; end: number }): string {
    return this.text.slice(node.start, node.end);
  }

  /** Physical 1-based line and byte column of a string index. */
  physical(index: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.lineStarts[lo]!;
    return { line: lo + 1, column: Buffer.byteLength(this.text.slice(lineStart, index), 'utf8') + 1 };
  }

  /** The position Go would report for an index of this file, following its own //line directives. */
  position(index: number): GoPosition {
    const phys = this.physical(index);
    let d: LineDirective | undefined;
    for (const x of this.directives) {
      if (x.at <= index) d = x;
      else break;
    }
    if (!d) return { file: this.path, line: phys.line, column: phys.column };
    // A directive without a column makes every column unknown until the next one (go/token, cmd/compile).
    if (d.column === null) return { file: d.file, line: d.line + phys.line - (d.block ? d.physLine : d.physLine + 1), column: 0 };
    if (d.block) {
      if (phys.line === d.physLine) return { file: d.file, line: d.line, column: (d.column ?? 1) + phys.column - d.physColumn };
      return { file: d.file, line: d.line + phys.line - d.physLine, column: phys.column };
    }
    const first = d.physLine + 1;
    const line = d.line + phys.line - first;
    const column = phys.line === first && d.column !== null ? d.column + phys.column - 1 : phys.column;
    return { file: d.file, line, column };
  }

  /** The byte offset of a string index (what Go's token positions count). */
  byteOffset(index: number): number {
    this.ascii ??= !/[^\x00-\x7f]/.test(this.text);
    return this.ascii ? index : Buffer.byteLength(this.text.slice(0, index), 'utf8');
  }

  hasLineDirectives(): boolean {
    return this.directives.length > 0;
  }

  isIdentifierUsed(name: string): boolean {
    // The names asked about (`__weft_…`) almost never occur: a substring search settles most.
    if (!this.text.includes(name)) return false;
    if (!this.identifiers) {
      this.identifiers = new Set(this.text.match(/[\p{L}_][\p{L}\p{Nd}_]*/gu) ?? []);
    }
    return this.identifiers.has(name);
  }

  private findLineDirectives(): LineDirective[] {
    const out: LineDirective[] = [];
    const re = /\/\/line ([^\n]*:\d+(?::\d+)?)[ \t]*(?=\r?\n|$)|\/\*line ([^\n]*?:\d+(?::\d+)?)\*\//g;
    if (!this.text.includes('line ')) return out;
    for (let m = re.exec(this.text); m; m = re.exec(this.text)) {
      const isBlock = m[2] !== undefined;
      const at = m.index;
      if (!isBlock) {
        // `//line` counts only at the start of a line.
        if (at > 0 && this.text[at - 1] !== '\n') continue;
      }
      if (!this.isComment(at)) continue;
      const spec = (isBlock ? m[2] : m[1])!;
      const parsed = parseLineSpec(spec);
      if (!parsed) continue;
      const end = at + m[0].length;
      const phys = this.physical(end);
      out.push({ at: end, physLine: phys.line, physColumn: phys.column, file: parsed.file, line: parsed.line, column: parsed.column, block: isBlock });
    }
    return out;
  }

  /** True when a comment node starts exactly at index (so a `//line` inside a string is ignored). */
  private isComment(index: number): boolean {
    let n: SyntaxNode | undefined = this.root;
    for (;;) {
      const next: SyntaxNode | undefined = n.children.find((c) => c.start <= index && index < c.end);
      if (!next) return false;
      if (next.type === 'comment') return next.start === index;
      n = next;
    }
  }
}

function parseLineSpec(spec: string): { file: string; line: number; column: number | null } | null {
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(spec);
  if (!m) return null;
  // `file:line:col` is ambiguous with a file name containing `:N`; Go prefers the longest valid form.
  return { file: m[1]!, line: Number(m[2]), column: m[3] !== undefined ? Number(m[3]) : null };
}
