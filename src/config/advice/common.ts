// What every advice carries besides its own fields: ordering keys (only prepend-statements may
// set them in the schema; the others get the defaults).
// orchestrion gives advice without a namespace the highest code point, U+10FFFF, as its
// namespace: unnamespaced advice sorts after every named namespace (a namespace spelled
// "default" is an ordinary name, between "alpha" and "zeta").
export const DEFAULT_NAMESPACE = '\u{10FFFF}';
export const DEFAULT_ORDER = 0;

/**
 * Namespaces in Go's string order (bytes of UTF-8, i.e. code points), which is not JavaScript's
 * UTF-16 order for characters above U+FFFF: U+10FFFF must sort after U+FFFF.
 */
export function compareNamespaces(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
