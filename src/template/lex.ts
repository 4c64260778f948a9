// Splits template source into text and action tokens the way Go's text/template lexer does:
// `{{- ` / ` -}}` trim the neighbouring text's white space, comments are `{{/* */}}`, actions
// may span lines. Tokens carry their offset in the JS string (UTF-16 units) and 1-based line;
// messages convert offsets to Go's UTF-8 byte columns (columnOf).

export type TokenKind =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'identifier'
  | 'keyword'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'field'
  | 'variable'
  | 'string'
  | 'rawString'
  | 'charConstant'
  | 'number'
  | 'leftParen'
  | 'rightParen'
  | 'pipe'
  | 'declare'
  | 'assign'
  /** Any other printable ASCII character (`,` in `range $i, $e`); the parser rejects the rest. */
  | 'char'
  /** A lexical error: val is the message. Reported when the parser reaches it, as Go does. */
  | 'error'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (text tokens: already trimmed). */
  val: string;
  /** Offset of the token in the source. */
  pos: number;
  /** 1-based line of the token's start. */
  line: number;
  /** True when white space separates this token from the previous one inside an action. */
  spaceBefore: boolean;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);

const LEFT = '{{';
const RIGHT = '}}';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlnum(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95) return true;
  return code >= 0x80 && /[\p{L}\p{Nd}]/u.test(c);
}

export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let trimNextText = false;

  const lineAt = (p: number): number => {
    // Only called in order of increasing p; counts newlines since the last call.
    for (let i = lastLinePos; i < p; i++) if (src.charCodeAt(i) === 10) line++;
    lastLinePos = p;
    return line;
  };
  let lastLinePos = 0;

  // Lexing stops at the first error, which becomes an error token: the parser reports it only
  // if nothing before it is wrong, so errors come in source order as in Go.
  const fail = (p: number, msg: string): never => {
    throw new LexStop(p, msg);
  };

  try {
    lexAll();
  } catch (err) {
    if (!(err instanceof LexStop)) throw err;
    tokens.push({ kind: 'error', val: err.message, pos: err.pos, line: countLines(src, err.pos), spaceBefore: false });
  }
  tokens.push({ kind: 'eof', val: '', pos: src.length, line: countLines(src, src.length), spaceBefore: false });
  return tokens;

  function lexAll(): void {
  while (pos < src.length) {
    const open = src.indexOf(LEFT, pos);
    let textEnd = open < 0 ? src.length : open;
    let textStart = pos;
    const leftTrim = open >= 0 && src[open + 2] === '-' && isSpace(src[open + 3]);
    if (trimNextText) {
      while (textStart < textEnd && isSpace(src[textStart])) textStart++;
      trimNextText = false;
    }
    if (leftTrim) while (textEnd > textStart && isSpace(src[textEnd - 1])) textEnd--;
    if (textEnd > textStart) tokens.push({ kind: 'text', val: src.slice(textStart, textEnd), pos: textStart, line: lineAt(textStart), spaceBefore: false });
    if (open < 0) break;

    const actionPos = open;
    pos = open + 2 + (leftTrim ? 2 : 0);
    // Comments must start right after the delimiter (and its trim marker).
    if (src.startsWith('/*', pos)) {
      const commentPos = pos;
      const close = src.indexOf('*/', pos + 2);
      if (close < 0) fail(commentPos, 'unclosed comment');
      let after = close + 2;
      let rightTrim = false;
      if (isSpace(src[after]) && src[after + 1] === '-' && src.startsWith(RIGHT, after + 2)) {
        rightTrim = true;
        after += 2;
      }
      if (!src.startsWith(RIGHT, after)) fail(commentPos, 'comment ends before closing delimiter');
      pos = after + 2;
      trimNextText = rightTrim;
      continue;
    }
    tokens.push({ kind: 'leftDelim', val: LEFT, pos: actionPos, line: lineAt(actionPos), spaceBefore: false });
    let parenDepth = 0;
    let space = false;
    for (;;) {
      // Right delimiter, possibly preceded by the trim marker.
      if (isSpace(src[pos]) && src[pos + 1] === '-' && src.startsWith(RIGHT, pos + 2)) {
        if (parenDepth > 0) fail(pos, 'unclosed left paren');
        tokens.push({ kind: 'rightDelim', val: RIGHT, pos: pos + 2, line: lineAt(pos + 2), spaceBefore: true });
        pos += 4;
        trimNextText = true;
        break;
      }
      if (src.startsWith(RIGHT, pos)) {
        if (parenDepth > 0) fail(pos, 'unclosed left paren');
        tokens.push({ kind: 'rightDelim', val: RIGHT, pos, line: lineAt(pos), spaceBefore: space });
        pos += 2;
        break;
      }
      const c = src[pos];
      if (c === undefined) return fail(src.length, 'unclosed action');
      if (isSpace(c)) {
        while (isSpace(src[pos]) && !(src[pos + 1] === '-' && src.startsWith(RIGHT, pos + 2) && isSpace(src[pos]))) pos++;
        space = true;
        continue;
      }
      const start = pos;
      const push = (kind: TokenKind, end: number): void => {
        tokens.push({ kind, val: src.slice(start, end), pos: start, line: lineAt(start), spaceBefore: space });
        pos = end;
        space = false;
      };
      switch (c) {
        case '|':
          push('pipe', pos + 1);
          continue;
        case '(':
          parenDepth++;
          push('leftParen', pos + 1);
          continue;
        case ')':
          parenDepth--;
          if (parenDepth < 0) fail(pos, `unexpected right paren`);
          push('rightParen', pos + 1);
          continue;
        case ':':
          if (src[pos + 1] !== '=') fail(pos, 'expected :=');
          push('declare', pos + 2);
          continue;
        case '=':
          push('assign', pos + 1);
          continue;
        case '"': {
          let i = pos + 1;
          for (;;) {
            const d = src[i];
            if (d === undefined || d === '\n') fail(start, 'unterminated quoted string');
            if (d === '\\') i += 2;
            else if (d === '"') break;
            else i++;
          }
          push('string', i + 1);
          continue;
        }
        case '`': {
          const close = src.indexOf('`', pos + 1);
          if (close < 0) fail(start, 'unterminated raw quoted string');
          push('rawString', close + 1);
          continue;
        }
        case "'": {
          let i = pos + 1;
          for (;;) {
            const d = src[i];
            if (d === undefined || d === '\n') fail(start, 'unterminated character constant');
            if (d === '\\') i += 2;
            else if (d === "'") break;
            else i++;
          }
          push('charConstant', i + 1);
          continue;
        }
        case '$':
        case '.': {
          // `.5` is a number; `.` alone is dot; `$` alone is the root variable.
          if (c === '.' && (pos + 1 >= src.length || /[0-9]/.test(src[pos + 1]!))) break;
          let i = pos + 1;
          while (isAlnum(src[i])) i++;
          const kind: TokenKind = c === '$' ? 'variable' : i === pos + 1 ? 'dot' : 'field';
          if (!atTerminator(src, i)) fail(start, `bad character ${goQuoteRune(src[i] ?? '')}`);
          push(kind, i);
          continue;
        }
      }
      if (c === '+' || c === '-' || c === '.' || (c >= '0' && c <= '9')) {
        let end = scanNumber(src, pos);
        if (isAlnum(src[end])) fail(start, `bad number syntax: "${src.slice(start, end + 1)}"`);
        if (src[end] === '+' || src[end] === '-') {
          // Only a complex constant (1+2i) may continue with a sign.
          const end2 = scanNumber(src, end);
          if (isAlnum(src[end2]) || src[end2 - 1] !== 'i') fail(start, `bad number syntax: "${src.slice(start, isAlnum(src[end2]) ? end2 + 1 : end2)}"`);
          end = end2;
        }
        push('number', end);
        continue;
      }
      if (isAlnum(c)) {
        let i = pos;
        while (isAlnum(src[i])) i++;
        const word = src.slice(pos, i);
        if (!atTerminator(src, i)) fail(start, `bad character ${goQuoteRune(src[i] ?? '')}`);
        push(KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier', i);
        continue;
      }
      if (c > ' ' && c < '\x7f') {
        push('char', pos + 1);
        continue;
      }
      fail(pos, `unrecognized character in action: ${goQuoteRune(c)}`);
    }
  }
  }
}

class LexStop {
  constructor(
    readonly pos: number,
    readonly message: string,
  ) {}
}

function atTerminator(src: string, i: number): boolean {
  const c = src[i];
  if (c === undefined || isSpace(c)) return true;
  if (c === '.' || c === ',' || c === '|' || c === ':' || c === ')' || c === '(') return true;
  return src.startsWith(RIGHT, i);
}

/** Scans what may be a Go number literal; the parser validates it (as Go's does). */
function scanNumber(src: string, start: number): number {
  let i = start;
  if (src[i] === '+' || src[i] === '-') i++;
  let digits = '0123456789_';
  if (src[i] === '0') {
    i++;
    const p = src[i];
    if (p === 'x' || p === 'X') digits = '0123456789abcdefABCDEF_';
    else if (p === 'o' || p === 'O') digits = '01234567_';
    else if (p === 'b' || p === 'B') digits = '01_';
    if (digits.length !== 11) i++;
  }
  while (i < src.length && digits.includes(src[i]!)) i++;
  if (src[i] === '.') {
    i++;
    while (i < src.length && digits.includes(src[i]!)) i++;
  }
  const exp = digits.length === 11 ? 'eE' : digits.length === 23 ? 'pP' : '';
  if (exp !== '' && src[i] !== undefined && exp.includes(src[i]!)) {
    i++;
    if (src[i] === '+' || src[i] === '-') i++;
    while (i < src.length && '0123456789_'.includes(src[i]!)) i++;
  }
  if (src[i] === 'i') i++;
  return i;
}

/** Go's %#U-like rendering of a rune for lexer messages: U+0021 '!'. */
function goQuoteRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

/** 1-based line of an offset. */
export function countLines(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

/** 0-based UTF-8 byte column of an offset, as Go reports it. */
export function columnOf(src: string, pos: number): number {
  const nl = src.lastIndexOf('\n', pos - 1);
  const lineStart = nl + 1;
  return Buffer.byteLength(src.slice(lineStart, pos), 'utf8');
}
