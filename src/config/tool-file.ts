// Reading the imports of an `orchestrion.tool.go` file, the way go/parser's ImportsOnly mode
// does: the package clause, then every import declaration up to the first other declaration.
// Build constraints are not evaluated (orchestrion reads the file whatever its `//go:build`
// line says). A small scanner is enough: only comments, identifiers, `;`, parentheses and
// string literals can occur before the first non-import declaration.

export interface ToolFileImport {
  /** The import path, unquoted. */
  readonly path: string;
  /** 1-based line of the path literal. */
  readonly line: number;
  /** The explicit name (`x`, `_`, `.`), or null. */
  readonly name?: string | null;
}

export type ToolFileParse =
  /** `rest`: offset of what follows the last import declaration (or the package clause). */
  | { readonly ok: true; readonly packageName: string; readonly imports: readonly ToolFileImport[]; readonly rest: number }
  | { readonly ok: false; readonly line: number; readonly message: string };

type Token =
  | { kind: 'ident'; text: string; line: number }
  | { kind: 'string'; text: string; line: number }
  | { kind: 'punct'; text: string; line: number }
  | { kind: 'newline'; line: number }
  | { kind: 'eof'; line: number }
  | { kind: 'error'; message: string; line: number };

class Scanner {
  /** Offset of the next character to read. */
  i = 0;
  private line = 1;
  /** Go inserts a `;` at a newline after an identifier, a literal or `)`. */
  private lastSignificant = '';

  constructor(private readonly text: string) {}

  next(): Token {
    const s = this.text;
    for (;;) {
      if (this.i >= s.length) return { kind: 'eof', line: this.line };
      const c = s[this.i]!;
      if (c === '\n') {
        this.i++;
        this.line++;
        if (this.endsStatement()) {
          this.lastSignificant = ';';
          return { kind: 'newline', line: this.line - 1 };
        }
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
        this.i++;
        continue;
      }
      if (s.startsWith('//', this.i)) {
        const end = s.indexOf('\n', this.i);
        this.i = end < 0 ? s.length : end;
        continue;
      }
      if (s.startsWith('/*', this.i)) {
        const end = s.indexOf('*/', this.i + 2);
        if (end < 0) return { kind: 'error', message: 'comment not terminated', line: this.line };
        const body = s.slice(this.i, end + 2);
        const newlines = body.split('\n').length - 1;
        this.i = end + 2;
        if (newlines > 0) {
          this.line += newlines;
          if (this.endsStatement()) {
            this.lastSignificant = ';';
            return { kind: 'newline', line: this.line - newlines };
          }
        }
        continue;
      }
      const line = this.line;
      if (c === '"') {
        let j = this.i + 1;
        let out = '';
        for (;;) {
          if (j >= s.length || s[j] === '\n') return { kind: 'error', message: 'string literal not terminated', line };
          const d = s[j]!;
          if (d === '"') break;
          if (d === '\\') {
            const e = s[j + 1];
            // Import paths never need escapes; accept the simple ones go would accept.
            const simple: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };
            if (e === undefined || simple[e] === undefined) return { kind: 'error', message: 'unsupported escape in import path', line };
            out += simple[e];
            j += 2;
            continue;
          }
          out += d;
          j++;
        }
        this.i = j + 1;
        this.lastSignificant = 'lit';
        return { kind: 'string', text: out, line };
      }
      if (c === '`') {
        const end = s.indexOf('`', this.i + 1);
        if (end < 0) return { kind: 'error', message: 'raw string literal not terminated', line };
        const text = s.slice(this.i + 1, end);
        this.line += text.split('\n').length - 1;
        this.i = end + 1;
        this.lastSignificant = 'lit';
        return { kind: 'string', text, line };
      }
      const m = /^[\p{L}_][\p{L}\p{Nd}_]*/u.exec(s.slice(this.i, this.i + 256));
      if (m !== null) {
        this.i += m[0].length;
        this.lastSignificant = 'ident';
        return { kind: 'ident', text: m[0], line };
      }
      this.i++;
      this.lastSignificant = c;
      return { kind: 'punct', text: c, line };
    }
  }

  private endsStatement(): boolean {
    return this.lastSignificant === 'ident' || this.lastSignificant === 'lit' || this.lastSignificant === ')';
  }
}

const fail = (line: number, message: string): ToolFileParse => ({ ok: false, line, message });

/** Parses the package clause and import declarations of a Go file. */
export function parseToolFile(text: string): ToolFileParse {
  const sc = new Scanner(text);
  let t: Token = sc.next();
  const skipSemis = (from: Token): Token => {
    let tok = from;
    while (tok.kind === 'newline' || (tok.kind === 'punct' && tok.text === ';')) tok = sc.next();
    return tok;
  };
  t = skipSemis(t);
  if (t.kind === 'error') return fail(t.line, t.message);
  if (t.kind !== 'ident' || t.text !== 'package') return fail(t.line, 'expected the `package` clause');
  t = sc.next();
  if (t.kind !== 'ident' || t.text === '_') return fail(t.line, 'expected a package name after `package`');
  const packageName = t.text;
  let rest = sc.i;
  t = sc.next();
  if (!(t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'punct' && t.text === ';'))) return fail(t.line, 'expected a new line after the package clause');
  const imports: ToolFileImport[] = [];
  const readSpec = (): ToolFileParse | null => {
    let name: string | null = null;
    if (t.kind === 'ident' || (t.kind === 'punct' && t.text === '.')) {
      name = t.text; // a name, `_` or `.`
      t = sc.next();
    }
    if (t.kind === 'error') return fail(t.line, t.message);
    if (t.kind !== 'string') return fail(t.line, 'expected an import path in quotes');
    if (t.text === '') return fail(t.line, 'empty import path');
    imports.push({ path: t.text, line: t.line, name });
    rest = sc.i;
    t = sc.next();
    return null;
  };
  for (;;) {
    t = skipSemis(t);
    if (t.kind === 'error') return fail(t.line, t.message);
    if (t.kind !== 'ident' || t.text !== 'import') break;
    t = sc.next();
    if (t.kind === 'punct' && t.text === '(') {
      t = sc.next();
      for (;;) {
        t = skipSemis(t);
        if (t.kind === 'error') return fail(t.line, t.message);
        if (t.kind === 'punct' && t.text === ')') {
          rest = sc.i;
          t = sc.next();
          break;
        }
        if (t.kind === 'eof') return fail(t.line, 'import list not closed with `)`');
        const bad = readSpec();
        if (bad !== null) return bad;
        if (!(t.kind === 'newline' || (t.kind === 'punct' && (t.text === ';' || t.text === ')')))) return fail(t.line, 'expected a new line after an import');
      }
    } else {
      const bad = readSpec();
      if (bad !== null) return bad;
    }
    if (!(t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'punct' && t.text === ';'))) return fail(t.line, 'expected a new line after an import declaration');
  }
  return { ok: true, packageName, imports, rest };
}
