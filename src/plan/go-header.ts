// The header of a Go source file: everything up to the end of its last import declaration
// (leading comments and build constraints, the package clause, the cgo preamble, the imports).
// What `go list` reports about a package comes from these bytes alone — its name, whether a file
// is built, what it imports — so a file whose header is unchanged leaves a plan's package listing
// as it was, and only the file's verdict under the aspects can have changed. The scanner is a
// small lexer, not a parser: anything it does not recognise gives null, which callers count as a
// changed header (a full re-plan), never as an unchanged one.

/** The header's bytes (as text), or null when the file does not start like a Go file weft can vouch for. */
export function scanGoHeader(text: string): string | null {
  const s = new Lexer(text);
  if (!s.skipSpace()) return null;
  if (s.word() !== 'package') return null;
  if (!s.skipSpace() || s.ident() === null) return null;
  let end = s.pos;
  for (;;) {
    if (!s.skipSpace()) return null;
    if (s.peek() === ';') {
      s.pos++;
      continue;
    }
    if (s.eof()) return text.slice(0, end);
    const at = s.pos;
    if (s.word() !== 'import') {
      s.pos = at;
      return text.slice(0, end);
    }
    if (!s.skipSpace()) return null;
    if (s.peek() === '(') {
      s.pos++;
      for (;;) {
        if (!s.skipSpace()) return null;
        const c = s.peek();
        if (c === ')') {
          s.pos++;
          break;
        }
        if (c === ';') {
          s.pos++;
          continue;
        }
        if (!importSpec(s)) return null;
      }
    } else if (!importSpec(s)) {
      return null;
    }
    end = s.pos;
  }
}

/** `[name | . | _] "path"` (interpreted or raw string). */
function importSpec(s: Lexer): boolean {
  const c = s.peek();
  if (c === '.' || c === '_') {
    s.pos++;
  } else if (c !== '"' && c !== '`') {
    if (s.ident() === null) return false;
  }
  if (!s.skipSpace()) return false;
  return s.stringLit();
}

class Lexer {
  pos = 0;
  constructor(private readonly text: string) {}

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  /** Skips white space and comments; false on an unterminated block comment. */
  skipSpace(): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') {
        this.pos++;
      } else if (t.startsWith('//', this.pos)) {
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl < 0 ? t.length : nl + 1;
      } else if (t.startsWith('/*', this.pos)) {
        const close = t.indexOf('*/', this.pos + 2);
        if (close < 0) return false;
        this.pos = close + 2;
      } else {
        break;
      }
    }
    return true;
  }

  /** A keyword or identifier at the cursor (consumed), or '' when there is none. */
  word(): string {
    return this.ident() ?? '';
  }

  ident(): string | null {
    const m = /^[\p{L}_][\p{L}\p{Nd}_]*/u.exec(this.text.slice(this.pos, this.pos + 256));
    if (m === null) return null;
    this.pos += m[0].length;
    return m[0];
  }

  stringLit(): boolean {
    const t = this.text;
    const q = t[this.pos];
    if (q === '`') {
      const close = t.indexOf('`', this.pos + 1);
      if (close < 0) return false;
      this.pos = close + 1;
      return true;
    }
    if (q !== '"') return false;
    for (let i = this.pos + 1; i < t.length; i++) {
      const c = t[i];
      if (c === '\\') i++;
      else if (c === '\n') return false;
      else if (c === '"') {
        this.pos = i + 1;
        return true;
      }
    }
    return false;
  }
}
