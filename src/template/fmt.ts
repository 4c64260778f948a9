// Go's fmt for the values templates see: %v printing (used for every {{action}}), Sprint,
// Sprintln and the Sprintf verbs advice templates use in practice. Objects with a String()
// method print as its result (Go's fmt.Stringer): the weaver prints syntax nodes that way.
import { GoFloat, kindOf, lookupMember, sortedKeys, mapGet, numberOf, typeName } from './value.js';

/** Formats one value as Go's %v does (nil as `<nil>`). */
export function formatValue(v: unknown): string {
  return formatVerb(v, 'v', NO_SPEC);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatValue(a);
    prevString = isString;
  }
  return out;
}

/** fmt.Sprintln: always spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0) out += ' ';
    out += formatValue(args[i]);
  }
  return out + '\n';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number; // -1: none
  prec: number; // -1: none
  /** %+v: field names for structs (the + flag no longer means a sign). */
  plusV: boolean;
}

const NO_SPEC: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: -1, prec: -1, plusV: false };

/** fmt.Sprintf with Go's error notation for bad verbs, missing and extra arguments. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...NO_SPEC };
    flags: for (; i < n; i++) {
      switch (format[i]) {
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case '+':
          spec.plus = true;
          break;
        case '#':
          spec.sharp = true;
          break;
        case ' ':
          spec.space = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        default:
          break flags;
      }
    }
    // An explicit argument index, `%[2]d`, picks the operand (and, for `*`, the width).
    let badIndex = false;
    const readIndex = (): boolean => {
      if (format[i] !== '[') return true;
      reordered = true;
      const close = format.indexOf(']', i);
      const k = close < 0 ? NaN : Number(format.slice(i + 1, close));
      if (!Number.isInteger(k) || k < 1 || k > args.length) {
        i = close < 0 ? n : close + 1;
        badIndex = true;
        return true;
      }
      argi = k - 1;
      reordered = true;
      i = close + 1;
      return true;
    };
    if (!readIndex()) {
      out += '%!(BADINDEX)';
      continue;
    }
    if (format[i] === '*') {
      i++;
      const w = args[argi++];
      if (typeof w === 'number' && Number.isInteger(w)) {
        spec.width = Math.abs(w);
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const start = i;
      while (i < n && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) i++;
      if (i > start) spec.width = Number(format.slice(start, i));
    }
    if (format[i] === '.') {
      i++;
      if (!readIndex()) {
        out += '%!(BADINDEX)';
        continue;
      }
      if (format[i] === '*') {
        i++;
        const p = args[argi++];
        if (typeof p === 'number' && Number.isInteger(p) && p >= 0) spec.prec = p;
        else out += '%!(BADPREC)';
      } else {
        const start = i;
        while (i < n && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) i++;
        spec.prec = i > start ? Number(format.slice(start, i)) : 0;
      }
    }
    if (!readIndex()) {
      out += '%!(BADINDEX)';
      continue;
    }
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (badIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (verb === 'v' && spec.plus) {
      spec.plus = false;
      spec.plusV = true;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatVerb(args[argi++], verb, spec);
  }
  if (!reordered && argi < args.length) {
    out += '%!(EXTRA ';
    for (let k = argi; k < args.length; k++) {
      if (k > argi) out += ', ';
      const a = args[k];
      out += a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a)}`;
    }
    out += ')';
  }
  return out;
}

function badVerb(v: unknown, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

/** Calls String() (fmt.Stringer) or reports an Error's message; undefined when neither applies. */
function stringMethod(v: object): string | undefined {
  if (v instanceof Error) return v.message;
  if (v instanceof GoFloat) return undefined;
  const m = lookupMember(v, 'String');
  if (m.found && typeof m.value === 'function') return String((m.value as () => unknown).call(v));
  return undefined;
}

function formatVerb(v: unknown, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(typeName(v), spec);
  const kind = kindOf(v);
  if (kind === 'invalid' || kind === 'nil') {
    return verb === 'v' ? pad('<nil>', spec) : badVerb(v, verb);
  }
  // Objects with String() print as its result (fmt.Stringer), plain objects included: the
  // weaver's contexts may be object literals.
  if ((kind === 'struct' || (kind === 'map' && !(v instanceof Map))) && !(spec.sharp && verb === 'v')) {
    const s = stringMethod(v as object);
    if (s !== undefined) return formatString(s, verb, spec, v);
  }
  switch (kind) {
    case 'bool':
      return verb === 'v' || verb === 't' ? pad(String(v), spec) : badVerb(v, verb);
    case 'int':
      return formatInt(typeof v === 'bigint' ? v : BigInt(v as number), verb, spec, v);
    case 'float':
      return formatFloat(numberOf(v) as number, verb, spec, v);
    case 'string':
      if (spec.sharp && verb === 'v') return pad(quote(v as string), spec);
      return formatString(v as string, verb, spec, v);
    case 'slice': {
      const arr = v as unknown[];
      if (spec.sharp && verb === 'v') return `[]interface {}{${arr.map((e) => (e === null || e === undefined ? 'interface {}(nil)' : formatVerb(e, 'v', spec))).join(', ')}}`;
      return `[${arr.map((e) => formatElem(e, verb, spec)).join(' ')}]`;
    }
    case 'map': {
      const m = v as object;
      const keys = sortedKeys(m);
      if (spec.sharp && verb === 'v') {
        return `map[string]interface {}{${keys.map((k) => `${formatVerb(k, 'v', spec)}:${formatVerb(mapGet(m, k), 'v', spec)}`).join(', ')}}`;
      }
      return `map[${keys.map((k) => `${formatElem(k, verb, spec)}:${formatElem(mapGet(m, k), verb, spec)}`).join(' ')}]`;
    }
    case 'struct': {
      const o = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(o)) {
        const e = formatElem(o[k], verb, spec);
        parts.push(spec.plusV || spec.sharp ? `${k}:${e}` : e);
      }
      return `{${parts.join(' ')}}`;
    }
    case 'func':
      return verb === 'v' ? pad('func', spec) : badVerb(v, verb);
  }
  return badVerb(v, verb);
}

/** Elements inside collections: nil prints `<nil>` whatever the verb, as in Go. */
function formatElem(v: unknown, verb: string, spec: Spec): string {
  if (v === null || v === undefined) return '<nil>';
  return formatVerb(v, verb, spec);
}

function formatString(s: string, verb: string, spec: Spec, orig: unknown): string {
  switch (verb) {
    case 'v':
    case 's':
      return pad(spec.prec >= 0 ? truncateRunes(s, spec.prec) : s, spec);
    case 'q':
      return pad(spec.sharp && !s.includes('`') ? '`' + s + '`' : quote(spec.prec >= 0 ? truncateRunes(s, spec.prec) : s, spec.plus), spec);
    case 'x':
    case 'X': {
      let hex = '';
      let bytes = Buffer.from(s, 'utf8');
      if (spec.prec >= 0 && spec.prec < bytes.length) bytes = bytes.subarray(0, spec.prec);
      for (let i = 0; i < bytes.length; i++) {
        if (spec.space && i > 0) hex += ' ';
        if (spec.sharp && (spec.space || i === 0)) hex += verb === 'x' ? '0x' : '0X';
        const h = bytes[i]!.toString(16).padStart(2, '0');
        hex += verb === 'X' ? h.toUpperCase() : h;
      }
      return pad(hex, spec);
    }
  }
  return badVerb(orig, verb);
}

function truncateRunes(s: string, n: number): string {
  const runes = Array.from(s);
  return runes.length <= n ? s : runes.slice(0, n).join('');
}

function formatInt(x: bigint, verb: string, spec: Spec, orig: unknown): string {
  const neg = x < 0n;
  const abs = neg ? -x : x;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString(10);
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'o':
      digits = abs.toString(8);
      if (spec.sharp) prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'c':
      return pad(runeString(x), spec);
    case 'q':
      return pad(quoteRune(x, spec.plus), spec);
    case 'U': {
      const h = abs.toString(16).toUpperCase().padStart(4, '0');
      return pad(spec.sharp ? `U+${h} '${runeString(x)}'` : `U+${h}`, spec);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return badVerb(orig, verb);
    default:
      return badVerb(orig, verb);
  }
  if (spec.prec >= 0) {
    if (spec.prec === 0 && abs === 0n) digits = '';
    digits = digits.padStart(spec.prec, '0');
  }
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return padNumber(sign, prefix + digits, spec);
}

function runeString(x: bigint): string {
  const n = Number(x);
  if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(n);
}

function formatFloat(f: number, verb: string, spec: Spec, orig: unknown): string {
  let body: string;
  if (!Number.isFinite(f)) {
    body = Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
    return pad(body, { ...spec, zero: false });
  }
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      body = spec.prec >= 0 ? formatG(a, spec.prec, spec.sharp) : spec.sharp && verb !== 'v' ? padShortest(formatShortest(a)) : formatShortest(a);
      if (verb === 'G') body = body.toUpperCase();
      break;
    case 'e':
    case 'E':
      body = formatE(a, spec.prec >= 0 ? spec.prec : 6);
      if (verb === 'E') body = body.toUpperCase();
      break;
    case 'f':
    case 'F':
      body = formatF(a, spec.prec >= 0 ? spec.prec : 6);
      break;
    case 'x':
    case 'X':
      body = formatHexFloat(a);
      if (verb === 'X') body = body.toUpperCase();
      break;
    default:
      return badVerb(orig, verb);
  }
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return padNumber(sign, body, spec);
}

/** strconv.FormatFloat(f, 'g', -1, 64): shortest digits; %e when exp < -4 or exp >= 6. */
function formatShortest(a: number): string {
  if (a === 0) return '0';
  const e = a.toExponential();
  const exp = Number(e.slice(e.indexOf('e') + 1));
  if (exp < -4 || exp >= 6) return expNotation(e);
  return String(a);
}

/** %#g without a precision: the shortest digits, padded with zeros to six significant digits. */
function padShortest(s: string): string {
  const e = s.indexOf('e');
  let mant = e < 0 ? s : s.slice(0, e);
  const sig = mant.replace('.', '').replace(/^0+/, '').length;
  if (!mant.includes('.')) mant += '.';
  if (sig < 6) mant += '0'.repeat(6 - sig);
  return e < 0 ? mant : mant + s.slice(e);
}

/** strconv's %x of a float, shortest form: 0x1.8p+01. (Precision is not supported.) */
function formatHexFloat(a: number): string {
  if (a === 0) return '0x0p+00';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  let exp = ((hi >>> 20) & 0x7ff) - 1023;
  let frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === -1023) {
    // Subnormal: shift until the implicit leading 1 appears.
    exp = -1022;
    while ((frac & (1n << 52n)) === 0n) {
      frac <<= 1n;
      exp--;
    }
    frac &= (1n << 52n) - 1n;
  }
  const digits = frac.toString(16).padStart(13, '0').replace(/0+$/, '');
  const ax = Math.abs(exp);
  return `0x1${digits === '' ? '' : '.' + digits}p${exp < 0 ? '-' : '+'}${ax < 10 ? '0' + ax : ax}`;
}

/** The exact decimal value of a finite double >= 0: 0.<digits> × 10^exp. */
function exactDecimal(x: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '', exp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (biased !== 0) {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  let digits: string;
  let exp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    exp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    exp = digits.length + e;
  }
  return { digits: digits.replace(/0+$/, ''), exp };
}

/** Keeps n significant digits, rounding half to even on the exact value as strconv does. */
function roundDigits(d: { digits: string; exp: number }, n: number): { digits: string; exp: number } {
  const { digits, exp } = d;
  if (n < 0) return { digits: '', exp };
  if (digits.length <= n) return { digits: digits.padEnd(n, '0'), exp };
  const keep = digits.slice(0, n);
  const first = digits[n]!;
  let up: boolean;
  if (first !== '5') up = first > '5';
  else if (digits.length > n + 1) up = true;
  else up = n > 0 && Number(keep[n - 1]) % 2 === 1;
  if (!up) return { digits: keep, exp };
  const arr = keep.split('');
  let i = n - 1;
  while (i >= 0 && arr[i] === '9') arr[i--] = '0';
  if (i < 0) return { digits: ('1' + arr.join('')).slice(0, Math.max(n, 1)), exp: exp + 1 };
  arr[i] = String(Number(arr[i]) + 1);
  return { digits: arr.join(''), exp };
}

/** %.<prec>e */
function formatE(a: number, prec: number): string {
  const r = a === 0 ? { digits: '0'.repeat(prec + 1), exp: 1 } : roundDigits(exactDecimal(a), prec + 1);
  const mant = r.digits.length > 1 ? `${r.digits[0]}.${r.digits.slice(1)}` : r.digits;
  const x = r.exp - 1;
  const ax = Math.abs(x);
  return `${mant}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' + ax : ax}`;
}

/** %.<prec>f */
function formatF(a: number, prec: number): string {
  const d = exactDecimal(a);
  const r = a === 0 ? { digits: '', exp: 0 } : roundDigits(d, d.exp + prec);
  // Lay the digits out around the decimal point.
  let intPart: string;
  let frac: string;
  if (r.exp <= 0) {
    intPart = '0';
    frac = ('0'.repeat(-r.exp) + r.digits).padEnd(prec, '0').slice(0, prec);
  } else {
    intPart = r.digits.slice(0, r.exp).padEnd(r.exp, '0');
    frac = r.digits.slice(r.exp).padEnd(prec, '0').slice(0, prec);
  }
  return prec > 0 ? `${intPart}.${frac}` : intPart;
}

/** %.<prec>g */
function formatG(a: number, prec: number, sharp: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (a === 0) return sharp ? '0.' + '0'.repeat(p - 1) : '0';
  const r = roundDigits(exactDecimal(a), p);
  const x = r.exp - 1;
  if (x < -4 || x >= p) {
    const e = formatE(a, p - 1);
    if (sharp) return e;
    const i = e.indexOf('e');
    return trimZeros(e.slice(0, i)) + e.slice(i);
  }
  const f = formatF(a, Math.max(0, p - 1 - x));
  return sharp ? f : trimZeros(f);
}

function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/** JS writes `1.5e+6`; Go writes at least two exponent digits: `1.5e+06`. */
function expNotation(js: string): string {
  const i = js.indexOf('e');
  const mant = js.slice(0, i);
  const sign = js[i + 1] === '-' ? '-' : '+';
  const digits = js.slice(i + 2);
  return `${mant}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
}

function pad(s: string, spec: Spec): string {
  if (spec.width < 0) return s;
  const len = Array.from(s).length;
  if (len >= spec.width) return s;
  const fill = ' '.repeat(spec.width - len);
  return spec.minus ? s + fill : fill + s;
}

function padNumber(sign: string, body: string, spec: Spec): string {
  if (spec.zero && spec.width > 0 && !spec.minus) {
    const need = spec.width - sign.length - body.length;
    return need > 0 ? sign + '0'.repeat(need) + body : sign + body;
  }
  return pad(sign + body, spec);
}

function isPrint(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp < 0x7f) return true;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function escapeRune(cp: number, q: string, asciiOnly = false): string {
  if (cp === q.codePointAt(0) || cp === 0x5c) return '\\' + String.fromCodePoint(cp);
  if (isPrint(cp) && !(asciiOnly && cp >= 0x80)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp < 0x80) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** strconv.Quote. */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    out += escapeRune(cp, '"', asciiOnly);
  }
  return out + '"';
}

function quoteRune(x: bigint, asciiOnly: boolean): string {
  const n = Number(x);
  const cp = n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) ? 0xfffd : n;
  return `'${escapeRune(cp, "'", asciiOnly)}'`;
}

