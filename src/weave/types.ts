// Syntactic comparison of Go type expressions against the TypeRefs of aspect configuration,
// and rendering of TypeRefs as Go source in a file (with the engine's import aliases).
import type { QualifiedName, TypeRef } from '../config/types.js';
import { isShadowed } from './imports.js';
import { childByField, namedChildren, type SyntaxNode } from './syntax.js';
import type { TypeContext } from './type-facts.js';

export type { TypeContext } from './type-facts.js';

const PREDECLARED = new Set(['any', 'bool', 'byte', 'comparable', 'complex64', 'complex128', 'error', 'float32', 'float64', 'int', 'int8', 'int16', 'int32', 'int64', 'rune', 'string', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr']);

export function isPredeclaredType(name: string): boolean {
  return PREDECLARED.has(name);
}

function unparen(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.type === 'parenthesized_type') {
    const inner = namedChildren(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** The package-qualified name a type expression denotes (generic instantiations reduced to their base), or null. */
export function namedTypeOf(node: SyntaxNode, ctx: TypeContext): QualifiedName | null {
  const n = unparen(node);
  if (n.type === 'generic_type') {
    const base = childByField(n, 'type');
    return base ? namedTypeOf(base, ctx) : null;
  }
  if (n.type === 'type_identifier' || n.type === 'identifier') {
    const name = ctx.file.slice(n);
    if (PREDECLARED.has(name)) return { path: '', name };
    return { path: ctx.importPath, name };
  }
  if (n.type === 'qualified_type' || n.type === 'selector_expression') {
    const pkg = childByField(n, n.type === 'qualified_type' ? 'package' : 'operand');
    const nm = childByField(n, n.type === 'qualified_type' ? 'name' : 'field');
    if (!pkg || !nm) return null;
    const alias = ctx.file.slice(pkg);
    const path = ctx.file.imports.byName.get(alias);
    if (path === undefined || isShadowed(ctx.file, alias, n)) return null;
    return { path, name: ctx.file.slice(nm) };
  }
  return null;
}

/** True when a qualified name written in config denotes the type named at node (dot imports included). */
export function namedTypeMatches(want: QualifiedName, node: SyntaxNode, ctx: TypeContext): boolean {
  const got = namedTypeOf(node, ctx);
  if (!got) return false;
  if (got.name !== want.name) return false;
  if (got.path === want.path) return true;
  // An unqualified name may come from a dot import.
  const n = unparen(node);
  const base = n.type === 'generic_type' ? childByField(n, 'type') : n;
  if (base && (base.type === 'type_identifier' || base.type === 'identifier')) return ctx.file.imports.dotImports.includes(want.path);
  return false;
}

// The predeclared aliases: a signature compares types, and these are one type under two names.
const PREDECLARED_ALIAS: Readonly<Record<string, string>> = { byte: 'uint8', rune: 'int32' };

function canonicalPredeclared(name: string): string {
  return PREDECLARED_ALIAS[name] ?? name;
}

/** `any` or `interface{}` (however spaced): the empty interface. */
function isEmptyInterface(n: SyntaxNode, ctx: TypeContext): boolean {
  if (n.type === 'interface_type') return namedChildren(n).length === 0;
  return n.type === 'type_identifier' && ctx.file.slice(n) === 'any';
}

export function typeMatches(ref: TypeRef, node: SyntaxNode, ctx: TypeContext): boolean {
  const n = unparen(node);
  switch (ref.kind) {
    case 'named':
      if (ref.path === '') {
        if (ref.name === 'any') return isEmptyInterface(n, ctx);
        const want = canonicalPredeclared(ref.name);
        if (want !== ref.name || want === 'uint8' || want === 'int32') return n.type === 'type_identifier' && canonicalPredeclared(ctx.file.slice(n)) === want;
      }
      // A `local` name (unqualified in the configuration) is a type of the package being woven.
      return namedTypeMatches({ path: ref.local === true ? ctx.importPath : ref.path, name: ref.name }, n, ctx);
    case 'pointer': {
      if (n.type !== 'pointer_type') return false;
      const elem = namedChildren(n)[0];
      return elem !== undefined && typeMatches(ref.elem, elem, ctx);
    }
    case 'slice': {
      if (n.type !== 'slice_type') return false;
      const elem = childByField(n, 'element');
      return elem !== null && typeMatches(ref.elem, elem, ctx);
    }
    case 'array': {
      if (n.type !== 'array_type') return false;
      const len = childByField(n, 'length');
      const elem = childByField(n, 'element');
      return len !== null && elem !== null && ctx.file.slice(len).replace(/\s+/g, '') === ref.len && typeMatches(ref.elem, elem, ctx);
    }
    case 'map': {
      if (n.type !== 'map_type') return false;
      const k = childByField(n, 'key');
      const v = childByField(n, 'value');
      return k !== null && v !== null && typeMatches(ref.key, k, ctx) && typeMatches(ref.value, v, ctx);
    }
    case 'chan': {
      if (n.type !== 'channel_type') return false;
      const text = ctx.file.slice(n);
      const dir = text.startsWith('<-') ? 'recv' : /^chan\s*<-/.test(text) ? 'send' : 'both';
      const elem = childByField(n, 'value');
      return dir === ref.dir && elem !== null && typeMatches(ref.elem, elem, ctx);
    }
    case 'variadic':
      // Parameters carry the `...` themselves; see paramTypeMatches.
      return false;
    case 'other':
      if (normaliseTypeText(ref.text) === 'interface{}') return isEmptyInterface(n, ctx);
      return normaliseTypeText(ctx.file.slice(n)) === normaliseTypeText(ref.text);
  }
}

export function normaliseTypeText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s*([()[\]{},;*])\s*/g, '$1').trim();
}

/** Renders a TypeRef as Go source; `qualify` returns the identifier to use for an import path ('' for none). */
export function renderTypeRef(ref: TypeRef, qualify: (path: string) => string): string {
  switch (ref.kind) {
    case 'named': {
      if (ref.path === '') return ref.name;
      const q = qualify(ref.path);
      return q === '' ? ref.name : `${q}.${ref.name}`;
    }
    case 'pointer':
      return `*${renderTypeRef(ref.elem, qualify)}`;
    case 'slice':
      return `[]${renderTypeRef(ref.elem, qualify)}`;
    case 'array':
      return `[${ref.len}]${renderTypeRef(ref.elem, qualify)}`;
    case 'map':
      return `map[${renderTypeRef(ref.key, qualify)}]${renderTypeRef(ref.value, qualify)}`;
    case 'chan':
      return `${ref.dir === 'recv' ? '<-chan' : ref.dir === 'send' ? 'chan<-' : 'chan'} ${renderTypeRef(ref.elem, qualify)}`;
    case 'variadic':
      return `...${renderTypeRef(ref.elem, qualify)}`;
    case 'other':
      return ref.text;
  }
}

/** True when a type could possibly implement an interface other than itself: not decidable without types. */
export function isConcreteBasic(node: SyntaxNode, ctx: TypeContext): boolean {
  const n = unparen(node);
  if (n.type === 'type_identifier') {
    const name = ctx.file.slice(n);
    return PREDECLARED.has(name) && name !== 'any' && name !== 'error' && name !== 'comparable';
  }
  return n.type === 'slice_type' || n.type === 'array_type' || n.type === 'map_type' || n.type === 'channel_type' || n.type === 'function_type';
}
