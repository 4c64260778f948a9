// Byte-needle formulas: what a file must contain for a join point to possibly match in it. The
// pre-filter scans each file once for the union of all needles and evaluates the formula per
// aspect; only files where some formula holds are parsed. A formula must never be false for a
// file that can match (false negatives lose instrumentation), so anything not decidable from
// bytes is `true`.

export type Formula = boolean | { readonly needle: string } | { readonly all: readonly Formula[] } | { readonly any: readonly Formula[] };

export function needle(text: string): Formula {
  return text === '' ? true : { needle: text };
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

export function evaluateFormula(f: Formula, has: (needle: string) => boolean): boolean {
  if (typeof f === 'boolean') return f;
  if ('needle' in f) return has(f.needle);
  if ('all' in f) return f.all.every((x) => evaluateFormula(x, has));
  return f.any.some((x) => evaluateFormula(x, has));
}

export function collectNeedles(f: Formula, into: Set<string>): Set<string> {
  if (typeof f === 'boolean') return into;
  if ('needle' in f) into.add(f.needle);
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
  if ('all' in f) return `(${f.all.map(formatFormula).join(' AND ')})`;
  return `(${f.any.map(formatFormula).join(' OR ')})`;
}
