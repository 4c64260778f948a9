// Byte-needle formulas: what a file must contain for a join point to possibly match in it. The
// pre-filter scans each file once for the union of all needles and evaluates the formula per
// aspect; only files where some formula holds are parsed. A formula must never be false for a
// file that can match (false negatives lose instrumentation), so anything not decidable from
// bytes is `true`. A check is a test of the file's bytes for what a needle cannot say (a needle
// of one letter is in every file); it runs only where the file's bytes are at hand and the
// formula's needles left it to decide, and is `true` elsewhere (a scan in another thread).

export type Formula =
  | boolean
  | { readonly needle: string }
  | { readonly all: readonly Formula[] }
  | { readonly any: readonly Formula[] }
  | { readonly check: string; readonly test: (bytes: Uint8Array) => boolean };

export function needle(text: string): Formula {
  return text === '' ? true : { needle: text };
}

/** A check of the file's bytes, named by `label` in explanations; it must never say no where the join point can match. */
export function check(label: string, test: (bytes: Uint8Array) => boolean): Formula {
  return { check: label, test };
}

export function allOf(...fs: Formula[]): Formula {
  const out: Formula[] = [];
  for (const f of fs) {
    if (f === false) return false;
    if (f === true) continue;
    if (typeof f === 'object' && 'all' in f) out.push(...f.all);
    else out.push(f);
  }
  if (out.length === 0) return true;
  return out.length === 1 ? out[0]! : { all: out };
}

export function anyOf(...fs: Formula[]): Formula {
  const out: Formula[] = [];
  for (const f of fs) {
    if (f === true) return true;
    if (f === false) continue;
    if (typeof f === 'object' && 'any' in f) out.push(...f.any);
    else out.push(f);
  }
  if (out.length === 0) return false;
  return out.length === 1 ? out[0]! : { any: out };
}

export function evaluateFormula(f: Formula, has: (needle: string) => boolean, bytes?: Uint8Array): boolean {
  if (typeof f === 'boolean') return f;
  if ('needle' in f) return has(f.needle);
  if ('check' in f) return bytes === undefined || f.test(bytes);
  if ('all' in f) return f.all.every((x) => evaluateFormula(x, has, bytes));
  return f.any.some((x) => evaluateFormula(x, has, bytes));
}

export function collectNeedles(f: Formula, into: Set<string>): Set<string> {
  if (typeof f === 'boolean') return into;
  if ('needle' in f) into.add(f.needle);
  else if ('check' in f) return into;
  else for (const x of 'all' in f ? f.all : f.any) collectNeedles(x, into);
  return into;
}

/** The needle for an import path as it must appear in an import declaration. */
export function importNeedle(path: string): Formula {
  return needle(`"${path}"`);
}

export function formatFormula(f: Formula): string {
  if (typeof f === 'boolean') return String(f);
  if ('needle' in f) return JSON.stringify(f.needle);
  if ('check' in f) return f.check;
  if ('all' in f) return `(${f.all.map(formatFormula).join(' AND ')})`;
  return `(${f.any.map(formatFormula).join(' OR ')})`;
}

/**
 * Strings one of which a file must contain for `f` to hold in it, or null when `f` can hold in
 * a file that contains none (a `true` branch, or a check alone). A file holding none of them
 * cannot match; an empty set: `f` holds nowhere. For an `all`, any one part's set will do: the
 * one whose shortest string is longest is kept (a keyword like `func` is in every file, a name
 * in few), then the smaller.
 */
export function necessaryNeedles(f: Formula): Set<string> | null {
  if (typeof f === 'boolean') return f ? null : new Set();
  if ('needle' in f) return new Set([f.needle]);
  if ('check' in f) return null;
  if ('all' in f) {
    const shortest = (s: Set<string>): number => Math.min(...[...s].map((n) => n.length));
    let best: Set<string> | null = null;
    for (const x of f.all) {
      const s = necessaryNeedles(x);
      if (s === null) continue;
      if (best === null || shortest(s) > shortest(best) || (shortest(s) === shortest(best) && s.size < best.size)) best = s;
    }
    return best;
  }
  const union = new Set<string>();
  for (const x of f.any) {
    const s = necessaryNeedles(x);
    if (s === null) return null;
    for (const n of s) union.add(n);
  }
  return union;
}
