// Go names and types as they are written in aspect configuration: import paths, identifiers,
// package-qualified names (`net/http.Get`) and type references (`*net/http.Request`,
// `map[string]any`, `func(int) error`, `iter.Seq[string]`). Exported for the weaver, which
// compares them with the syntax it finds in Go files.
//
// Decisions (documented for the weaver):
// - The package of a qualified name is everything before the last `.` that follows the last `/`
//   (`gopkg.in/yaml.v3.Node` → `gopkg.in/yaml.v3` + `Node`).
// - An unqualified name must be predeclared (`error`, `int`, `any`, ...): configs name types
//   of other packages by full import path, so a bare `Request` is almost surely a mistake.
// - Generic instantiations are `named` with `typeArgs` (`iter.Seq[string]`); `typeArgs` is
//   absent on non-generic names, so code that ignores it sees an ordinary named type.
// - func, interface and struct types are `other`, compared as normalised text
//   (`func(int, string) (bool, error)`, `interface{}`).
// - `text` is the canonical spelling: single spaces, full import paths.
import { WeftError } from '../errors.js';
import type { QualifiedName, TypeRef } from './types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export const PREDECLARED_TYPES: ReadonlySet<string> = new Set([
  'any', 'bool', 'byte', 'comparable', 'complex64', 'complex128', 'error', 'float32', 'float64',
  'int', 'int8', 'int16', 'int32', 'int64', 'rune', 'string', 'uint', 'uint8', 'uint16',
  'uint32', 'uint64', 'uintptr',
]);

const GO_KEYWORDS: ReadonlySet<string> = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for',
  'func', 'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select',
  'struct', 'switch', 'type', 'var',
]);

const IDENTIFIER = /^[\p{L}_][\p{L}_\p{Nd}]*$/u;

/** A Go identifier that is not a keyword. */
export function isGoIdentifier(s: string): boolean {
  return IDENTIFIER.test(s) && !GO_KEYWORDS.has(s);
}

/**
 * Checks an import path the way the go command does for module paths and imports: non-empty
 * slash-separated elements of ASCII letters, digits and `-._~+`, none starting or ending with a
 * dot, no `.`/`..` elements, no leading or trailing slash. Returns null when valid, else why not.
 */
export function checkImportPath(path: string): string | null {
  if (path === '') return 'the import path is empty';
  if (path !== path.trim()) return 'the import path has leading or trailing spaces';
  if (path.startsWith('/')) return 'an import path cannot start with `/` (it is not a file path)';
  if (path.endsWith('/')) return 'an import path cannot end with `/`';
  for (const elem of path.split('/')) {
    if (elem === '') return 'the import path has an empty element (`//`)';
    if (elem === '.' || elem === '..') return `the import path has a \`${elem}\` element; use the full import path, not a relative one`;
    if (!/^[A-Za-z0-9\-._~+]+$/.test(elem)) {
      const bad = [...elem].find((c) => !/[A-Za-z0-9\-._~+]/.test(c)) ?? '?';
      return `the import path contains the invalid character ${JSON.stringify(bad)}`;
    }
    if (elem.startsWith('.')) return `the import path element \`${elem}\` starts with a dot`;
    if (elem.endsWith('.')) return `the import path element \`${elem}\` ends with a dot`;
  }
  return null;
}

/** `go1.N` (optionally `go1.N.M`), the form `-lang` takes. */
export function isGoVersion(s: string): boolean {
  return /^go1\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/.test(s);
}

function splitQualified(text: string): { path: string; name: string } {
  const slash = text.lastIndexOf('/');
  const dot = text.lastIndexOf('.');
  if (dot <= slash) return { path: '', name: text };
  return { path: text.slice(0, dot), name: text.slice(dot + 1) };
}

/** Non-throwing form of parseQualifiedName. */
export function tryParseQualifiedName(text: string, options: { requirePath?: boolean } = {}): Parsed<QualifiedName> {
  const requirePath = options.requirePath ?? true;
  const t = text.trim();
  if (t === '') return { ok: false, message: 'expected a package-qualified name such as `net/http.Get`, found an empty string' };
  if (t.startsWith('*')) return { ok: false, message: `\`${t}\` is a pointer type; name the declaration itself, without \`*\`` };
  const { path, name } = splitQualified(t);
  if (path === '') {
    if (requirePath) {
      return { ok: false, message: `\`${t}\` has no package path; write it as \`<import path>.${t}\`, e.g. \`net/http.${t}\`` };
    }
  } else {
    const why = checkImportPath(path);
    if (why !== null) return { ok: false, message: `invalid package path in \`${t}\`: ${why}` };
  }
  if (!isGoIdentifier(name)) return { ok: false, message: `\`${name}\` in \`${t}\` is not a Go identifier` };
  return { ok: true, value: { path, name } };
}

/**
 * Splits `net/http.Get` into `{path: 'net/http', name: 'Get'}`: the last `.` after the last `/`
 * separates the import path from the name. Without a path (`Get`) it throws unless
 * `requirePath: false`, in which case path is ''.
 */
export function parseQualifiedName(text: string, options: { requirePath?: boolean } = {}): QualifiedName {
  const r = tryParseQualifiedName(text, options);
  if (!r.ok) throw new WeftError('E_CONFIG_INVALID', r.message);
  return r.value;
}

/** Parses a Go type as written in configuration; throws WeftError E_CONFIG_INVALID. */
export function parseTypeRef(text: string): TypeRef {
  const r = tryParseTypeRef(text);
  if (!r.ok) throw new WeftError('E_CONFIG_INVALID', r.message);
  return r.value;
}

/** Non-throwing form of parseTypeRef. */
/**
 * `allowLocal`: an unqualified name that is not predeclared is a type of the package being woven
 * (orchestrion reads `DDCloseSpanFunc` in add-struct-field and signatures that way); it comes back
 * as a named type with path '' and `local: true`. Without it such a name is a mistake.
 */
export function tryParseTypeRef(text: string, options: { allowLocal?: boolean } = {}): Parsed<TypeRef> {
  const p = new TypeParser(text, options.allowLocal === true);
  try {
    p.skipSpace();
    if (p.atEnd()) return { ok: false, message: 'expected a Go type, found an empty string' };
    const t = p.parseType(true);
    p.skipSpace();
    if (!p.atEnd()) p.fail(`unexpected \`${p.rest()}\``);
    return { ok: true, value: t };
  } catch (err) {
    if (err instanceof TypeSyntaxError) return { ok: false, message: `invalid Go type \`${text.trim()}\`: ${err.message}` };
    throw err;
  }
}

class TypeSyntaxError extends Error {}

// Characters that can make up an import path or identifier in a qualified type name.
const NAME_CHAR = /[\p{L}\p{Nd}_./\-~+]/u;

class TypeParser {
  private pos = 0;
  constructor(private readonly src: string, private readonly allowLocal = false) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }
  rest(): string {
    return this.src.slice(this.pos).trim();
  }
  fail(message: string): never {
    throw new TypeSyntaxError(message);
  }
  skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }
  private peek(s: string): boolean {
    this.skipSpace();
    return this.src.startsWith(s, this.pos);
  }
  private eat(s: string): boolean {
    if (this.peek(s)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }
  private expect(s: string): void {
    if (!this.eat(s)) this.fail(this.atEnd() ? `expected \`${s}\` at the end` : `expected \`${s}\` before \`${this.rest()}\``);
  }
  private word(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.src.length && NAME_CHAR.test(this.src[this.pos]!)) this.pos++;
    return this.src.slice(start, this.pos);
  }
  /** A keyword only when a whole word (so `mapper.T` is a name, not `map`). */
  private keyword(kw: string): boolean {
    this.skipSpace();
    if (!this.src.startsWith(kw, this.pos)) return false;
    const next = this.src[this.pos + kw.length];
    if (next !== undefined && NAME_CHAR.test(next)) return false;
    this.pos += kw.length;
    return true;
  }

  parseType(allowVariadic: boolean): TypeRef {
    this.skipSpace();
    if (this.eat('...')) {
      if (!allowVariadic) this.fail('`...` is only allowed on the last parameter');
      const elem = this.parseType(false);
      return { kind: 'variadic', elem, text: `...${elem.text}` };
    }
    if (this.eat('*')) {
      const elem = this.parseType(false);
      return { kind: 'pointer', elem, text: `*${elem.text}` };
    }
    if (this.eat('(')) {
      const inner = this.parseType(false);
      this.expect(')');
      return inner;
    }
    if (this.eat('<-')) {
      if (!this.keyword('chan')) this.fail('expected `chan` after `<-`');
      const elem = this.parseType(false);
      return { kind: 'chan', dir: 'recv', elem, text: `<-chan ${elem.text}` };
    }
    if (this.eat('[')) {
      if (this.eat(']')) {
        const elem = this.parseType(false);
        return { kind: 'slice', elem, text: `[]${elem.text}` };
      }
      const start = this.pos;
      const close = this.src.indexOf(']', start);
      if (close < 0) this.fail('missing `]`');
      const len = this.src.slice(start, close).trim();
      if (!/^(\d+|\.\.\.|[\p{L}_][\p{L}_\p{Nd}]*)$/u.test(len)) this.fail(`invalid array length \`${len}\``);
      this.pos = close + 1;
      const elem = this.parseType(false);
      return { kind: 'array', len, elem, text: `[${len}]${elem.text}` };
    }
    if (this.keyword('map')) {
      this.expect('[');
      const key = this.parseType(false);
      this.expect(']');
      const value = this.parseType(false);
      return { kind: 'map', key, value, text: `map[${key.text}]${value.text}` };
    }
    if (this.keyword('chan')) {
      if (this.eat('<-')) {
        const elem = this.parseType(false);
        return { kind: 'chan', dir: 'send', elem, text: `chan<- ${elem.text}` };
      }
      const elem = this.parseType(false);
      return { kind: 'chan', dir: 'both', elem, text: `chan ${elem.text}` };
    }
    if (this.keyword('func')) return this.parseFunc();
    for (const kw of ['interface', 'struct'] as const) {
      if (this.keyword(kw)) {
        this.expect('{');
        const body = this.balancedBody();
        return { kind: 'other', text: body === '' ? `${kw}{}` : `${kw}{ ${body} }` };
      }
    }
    return this.parseNamed();
  }

  /** Reads up to the matching `}` and returns the contents with whitespace collapsed. */
  private balancedBody(): string {
    let depth = 1;
    const start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '{') depth++;
      if (c === '}' && --depth === 0) {
        const body = this.src.slice(start, this.pos).replace(/\s+/g, ' ').trim();
        this.pos++;
        return body;
      }
      this.pos++;
    }
    return this.fail('missing `}`');
  }

  private parseFunc(): TypeRef {
    this.expect('(');
    const params = this.typeList(')', true);
    let results: TypeRef[] = [];
    this.skipSpace();
    if (this.eat('(')) {
      results = this.typeList(')', false);
    } else if (!this.atEnd() && !this.peek(',') && !this.peek(')') && !this.peek(']')) {
      results = [this.parseType(false)];
    }
    const ps = params.map((t) => t.text).join(', ');
    let text = `func(${ps})`;
    if (results.length === 1) text += ` ${results[0]!.text}`;
    else if (results.length > 1) text += ` (${results.map((t) => t.text).join(', ')})`;
    return { kind: 'other', text };
  }

  /** Comma-separated types up to `close`; `...T` allowed on the last one when `variadicLast`. */
  private typeList(close: string, variadicLast: boolean): TypeRef[] {
    const out: TypeRef[] = [];
    if (this.eat(close)) return out;
    for (;;) {
      const t = this.parseType(variadicLast);
      out.push(t);
      if (this.eat(',')) {
        if (t.kind === 'variadic') this.fail('`...` is only allowed on the last parameter');
        if (this.eat(close)) return out; // trailing comma
        continue;
      }
      this.expect(close);
      return out;
    }
  }

  private parseNamed(): TypeRef {
    const word = this.word();
    if (word === '') {
      return this.fail(this.atEnd() ? 'expected a type at the end' : `unexpected \`${this.rest()}\``);
    }
    const { path, name } = splitQualified(word);
    let local = false;
    if (path === '') {
      if (!PREDECLARED_TYPES.has(name)) {
        if (!IDENTIFIER.test(name)) this.fail(`\`${word}\` is not a type name`);
        if (this.allowLocal) local = true;
        else this.fail(
          `\`${name}\` is not a predeclared type; qualify it with its package's import path, e.g. \`example.com/pkg.${name}\``,
        );
      }
    } else {
      const why = checkImportPath(path);
      if (why !== null) this.fail(`invalid package path \`${path}\`: ${why}`);
      if (!isGoIdentifier(name)) this.fail(`\`${name}\` is not a Go identifier`);
    }
    let text = path === '' ? name : `${path}.${name}`;
    // Type arguments follow the name immediately (`iter.Seq[string]`); an array length never does.
    if (this.src[this.pos] === '[') {
      this.pos++;
      const args = this.typeList(']', false);
      if (args.length === 0) this.fail(`empty type argument list after \`${text}\``);
      text += `[${args.map((a) => a.text).join(', ')}]`;
      return { kind: 'named', path, name, text, typeArgs: args, ...(local ? { local: true as const } : {}) };
    }
    return { kind: 'named', path, name, text, ...(local ? { local: true as const } : {}) };
  }
}
