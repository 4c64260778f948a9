// How JS values play the roles of Go's reflect kinds. The weaver hands us plain JS data, so
// this one mapping decides what is a map, a struct, a slice or nil:
//   undefined → invalid (a missing value; prints `<no value>`), null → nil interface,
//   integral number (|n| <= 2^53) / bigint → int, other number / GoFloat → float64,
//   Array → slice, Map and plain objects → map (keys sorted: numbers numerically, else as
//   strings), functions → func, any other object (class instance) → struct whose own and
//   inherited properties and methods are its fields (a Set or other iterable also ranges).
// Objects with a String() method print through it, like Go's fmt.Stringer.

/**
 * A float64 whose value happens to be integral (`{{1.0}}`, `{{1e6}}`): JS numbers alone would
 * make it an int, but Go prints, compares and checks it as a float.
 */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** The number inside an int or float value (GoFloat unwrapped). */
export function numberOf(v: unknown): number | bigint {
  return v instanceof GoFloat ? v.value : (v as number | bigint);
}

/** JS integers beyond 2^53 are not exact, so they count as float64 like any other double. */
function isIntNumber(v: number): boolean {
  return Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
}

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'number':
      return isIntNumber(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'symbol':
      return 'struct';
    case 'object':
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Map) return 'map';
      if (v instanceof GoFloat) return 'float';
      return isPlainObject(v) ? 'map' : 'struct';
  }
  return 'struct';
}

export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A data object may carry the Go type name it stands for under this key (e.g. `*ast.CallExpr`
 * for a syntax view), so errors and %T name it as Go's template would.
 */
export const GO_TYPE_NAME: unique symbol = Symbol.for('weft.template.goTypeName');

/** Go's type name for a value, as error messages and %T show it. */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'func':
      return 'func';
    case 'struct': {
      const declared = (v as { [GO_TYPE_NAME]?: unknown })[GO_TYPE_NAME];
      if (typeof declared === 'string') return declared;
      const ctor = (v as { constructor?: { name?: unknown } }).constructor;
      return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'struct';
    }
  }
}

/** Go's truth: false, 0, nil and empty strings/collections are false; structs are always true. */
export function isTrue(v: unknown): boolean {
  switch (typeof v) {
    case 'undefined':
      return false;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v.length > 0;
    case 'function':
      return true;
    case 'object':
      if (v === null) return false;
      if (Array.isArray(v)) return v.length > 0;
      if (v instanceof Map) return v.size > 0;
      if (v instanceof GoFloat) return v.value !== 0;
      if (isPlainObject(v)) {
        for (const k in v) if (Object.hasOwn(v, k)) return true;
        return false;
      }
      return true;
  }
  return true;
}

/** Keys of a map value in Go's order: numbers numerically, strings bytewise. */
export function sortedKeys(m: object): unknown[] {
  const keys: unknown[] = m instanceof Map ? [...m.keys()] : Object.keys(m);
  return keys.sort(compareKeys);
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function mapGet(m: object, key: unknown): unknown {
  if (m instanceof Map) return m.get(key);
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  return Object.hasOwn(m, key) ? (m as Record<string | number, unknown>)[key] : undefined;
}

export function mapHas(m: object, key: unknown): boolean {
  if (m instanceof Map) return m.has(key);
  return (typeof key === 'string' || typeof key === 'number') && Object.hasOwn(m, key);
}

/**
 * A struct's member by name: own or inherited, but never something only Object.prototype
 * provides (`constructor`, `toString`), which no Go struct would have.
 */
export function lookupMember(obj: object, name: string): { found: boolean; value: unknown } {
  for (let p: object | null = obj; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.hasOwn(p, name)) {
      if (name === 'constructor' && p !== obj) return { found: false, value: undefined };
      return { found: true, value: (obj as Record<string, unknown>)[name] };
    }
  }
  return { found: false, value: undefined };
}

/** UTF-8 byte length of a JS string, which is what Go's len counts. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
