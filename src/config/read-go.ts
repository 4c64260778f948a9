// Readers for Go-valued YAML scalars (import paths, identifiers, qualified names, types): each
// reports a Problem at the node and returns null when the text is not valid Go.
import type { QualifiedName, TypeRef } from './types.js';
import type { ParseContext } from './yaml-access.js';
import { readString, report } from './yaml-access.js';
import { checkImportPath, isGoIdentifier, tryParseQualifiedName, tryParseTypeRef } from './go-syntax.js';

export function readImportPath(ctx: ParseContext, node: unknown, path: string): string | null {
  const s = readString(ctx, node, path, { what: 'an import path such as `net/http`' });
  if (s === null) return null;
  const why = checkImportPath(s);
  if (why !== null) {
    report(ctx, node, path, `invalid import path ${JSON.stringify(s)}: ${why}`);
    return null;
  }
  return s;
}

export function readIdentifier(ctx: ParseContext, node: unknown, path: string, what = 'a Go identifier'): string | null {
  const s = readString(ctx, node, path, { what });
  if (s === null) return null;
  if (!isGoIdentifier(s)) {
    report(ctx, node, path, `\`${s}\` is not a Go identifier (letters, digits and _, not starting with a digit, not a keyword)`);
    return null;
  }
  return s;
}

export function readQualifiedName(
  ctx: ParseContext,
  node: unknown,
  path: string,
  options: { requirePath?: boolean } = {},
): QualifiedName | null {
  const s = readString(ctx, node, path, { what: 'a package-qualified name such as `net/http.Get`' });
  if (s === null) return null;
  const r = tryParseQualifiedName(s, options);
  if (!r.ok) {
    report(ctx, node, path, r.message);
    return null;
  }
  return r.value;
}

export function readTypeRef(ctx: ParseContext, node: unknown, path: string, options: { allowLocal?: boolean } = {}): TypeRef | null {
  const s = readString(ctx, node, path, { what: 'a Go type such as `*net/http.Request`' });
  if (s === null) return null;
  const r = tryParseTypeRef(s, options);
  if (!r.ok) {
    report(ctx, node, path, r.message);
    return null;
  }
  return r.value;
}

/** A directive name as written after `//` in Go source (`dd:span`, `go:linkname`), without the slashes. */
export function readDirectiveName(ctx: ParseContext, node: unknown, path: string): string | null {
  const s = readString(ctx, node, path, { what: 'a directive name such as `dd:span`' });
  if (s === null) return null;
  if (s.startsWith('//')) {
    report(ctx, node, path, `write the directive name without the leading \`//\`: \`${s.slice(2).trim()}\``);
    return null;
  }
  if (!/^[\p{L}\p{Nd}_:.\-/]+$/u.test(s)) {
    report(ctx, node, path, `invalid directive name ${JSON.stringify(s)}: a directive is one word such as \`dd:span\`, with no spaces`);
    return null;
  }
  return s;
}
