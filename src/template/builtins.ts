// Go text/template's predefined functions over the JS data model (see value.ts). `and`, `or`
// and `call` need the executor (short-circuit evaluation, calling values) and live in exec.ts;
// everything else is a plain function that throws a plain Error, which the executor reports
// as `error calling <name>: <message>` exactly as Go does.
import { sprint, sprintf, sprintln } from './fmt.js';
import { isPlainObject, isTrue, kindOf, mapGet, numberOf, typeName, utf8Length, isAscii, type Kind } from './value.js';

/** A function callable from templates: receives evaluated arguments, returns one value or throws. */
export type TemplateFunc = (...args: never[]) => unknown;

export interface Builtin {
  /** Minimum argument count. */
  min: number;
  /** Maximum argument count, -1 for variadic. */
  max: number;
  fn: (args: unknown[]) => unknown;
}

/** Names the executor implements itself but the parser must know. */
export const SPECIAL_BUILTINS: ReadonlySet<string> = new Set(['and', 'or', 'call']);

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['not', { min: 1, max: 1, fn: (a) => !isTrue(a[0]) }],
  ['len', { min: 1, max: 1, fn: (a) => length(a[0]) }],
  ['index', { min: 1, max: -1, fn: (a) => index(a[0], a.slice(1)) }],
  ['slice', { min: 1, max: -1, fn: (a) => slice(a[0], a.slice(1)) }],
  ['print', { min: 0, max: -1, fn: (a) => sprint(nilArgs(a)) }],
  ['println', { min: 0, max: -1, fn: (a) => sprintln(nilArgs(a)) }],
  ['printf', { min: 1, max: -1, fn: (a) => printf(a) }],
  ['eq', { min: 1, max: -1, fn: (a) => eq(a[0], a.slice(1)) }],
  ['ne', { min: 2, max: 2, fn: (a) => !eq(a[0], [a[1]]) }],
  ['lt', { min: 2, max: 2, fn: (a) => lt(a[0], a[1]) }],
  ['le', { min: 2, max: 2, fn: (a) => lt(a[0], a[1]) || eq(a[0], [a[1]]) }],
  ['gt', { min: 2, max: 2, fn: (a) => !(lt(a[0], a[1]) || eq(a[0], [a[1]])) }],
  ['ge', { min: 2, max: 2, fn: (a) => !lt(a[0], a[1]) }],
  ['html', { min: 0, max: -1, fn: (a) => htmlEscape(evalArgs(a)) }],
  ['js', { min: 0, max: -1, fn: (a) => jsEscape(evalArgs(a)) }],
  ['urlquery', { min: 0, max: -1, fn: (a) => queryEscape(evalArgs(a)) }],
]);

/** Go passes a missing value to `...any` parameters as nil. */
function nilArgs(a: unknown[]): unknown[] {
  return a.map((x) => (x === undefined ? null : x));
}

function printf(a: unknown[]): string {
  const format = a[0];
  if (typeof format !== 'string') throw new Error(`wrong type for value; expected string; got ${typeName(format)}`);
  return sprintf(format, nilArgs(a.slice(1)));
}

function length(v: unknown): number {
  if (v === null) throw new Error('len of nil pointer');
  if (v === undefined) throw new Error('len of untyped nil');
  if (typeof v === 'string') return isAscii(v) ? v.length : utf8Length(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (typeof v === 'object' && isPlainObject(v)) return Object.keys(v).length;
  throw new Error(`len of type ${typeName(v)}`);
}

function indexArg(i: unknown, cap: number): number {
  if (i === undefined || i === null) throw new Error('cannot index slice/array with nil');
  let x: number;
  if (typeof i === 'bigint') x = Number(i);
  else if (typeof i === 'number' && Number.isInteger(i)) x = i;
  else throw new Error(`cannot index slice/array with type ${typeName(i)}`);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

function index(item: unknown, indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error('index of untyped nil');
  for (const ix of indexes) {
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = isAscii(item) ? null : Buffer.from(item, 'utf8');
      const len = bytes === null ? item.length : bytes.length;
      const x = indexArg(ix, len);
      if (x >= len) throw new Error(`reflect: string index out of range`);
      item = bytes === null ? item.charCodeAt(x) : bytes[x];
    } else if (Array.isArray(item)) {
      const x = indexArg(ix, item.length);
      if (x >= item.length) throw new Error(`reflect: slice index out of range`);
      item = item[x];
    } else if (item instanceof Map) {
      item = item.get(ix);
    } else if (typeof item === 'object' && isPlainObject(item)) {
      if (typeof ix !== 'string') {
        throw new Error(ix === null || ix === undefined ? 'value is nil; should be of type string' : `value has type ${typeName(ix)}; should be string`);
      }
      item = mapGet(item, ix);
    } else {
      throw new Error(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, indexes: unknown[]): unknown {
  if (item === undefined) throw new Error('slice of untyped nil');
  if (item === null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Buffer | null = null;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    if (!isAscii(item)) bytes = Buffer.from(item, 'utf8');
    len = bytes === null ? item.length : bytes.length;
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new Error(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, len];
  indexes.forEach((ix, k) => {
    idx[k] = indexArg(ix, len);
  });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string') return bytes === null ? item.slice(idx[0], idx[1]) : bytes.subarray(idx[0], idx[1]).toString('utf8');
  return (item as unknown[]).slice(idx[0], idx[1]);
}

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(k: Kind): BasicKind {
  switch (k) {
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
      return k;
    case 'invalid':
    case 'nil':
      return 'invalid';
    default:
      return 'other';
  }
}

function eq(a: unknown, others: unknown[]): boolean {
  if (others.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(kindOf(a));
  const valid1 = k1 !== 'invalid';
  for (const b of others) {
    const k2 = basicKind(kindOf(b));
    if (k1 !== k2) {
      if (valid1 && k2 !== 'invalid') throw new Error(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
      continue;
    }
    if (k1 === 'other') {
      const ka = kindOf(a);
      if (ka !== kindOf(b)) {
        throw new Error(`non-comparable types ${sprintf('%s', [a])}: ${typeName(a)}, ${typeName(b)}: ${sprintf('%v', [b])}`);
      }
      if (ka === 'slice' || ka === 'map' || ka === 'func') {
        throw new Error(`non-comparable type ${sprintf('%s', [b])}: ${typeName(b)}`);
      }
      if (a === b) return true;
      continue;
    }
    if (k1 === 'invalid') return true;
    // eslint-disable-next-line eqeqeq -- number and bigint compare by value
    if (numberOf(a) == numberOf(b)) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(kindOf(a));
  if (k1 === 'invalid' || k1 === 'other') throw new Error('invalid type for comparison');
  const k2 = basicKind(kindOf(b));
  if (k2 === 'invalid' || k2 === 'other') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  return (numberOf(a) as number | string) < (numberOf(b) as number | string);
}

/** fmt.Sprint of the arguments as actions print them (nil is `<no value>`); a lone string as is. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

export function htmlEscape(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\0':
        out += '\uFFFD';
        break;
      case '"':
        out += '&#34;';
        break;
      case "'":
        out += '&#39;';
        break;
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

const JS_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u;

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c < 0x80 || JS_PRINTABLE.test(ch)) out += ch;
    else out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** net/url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
