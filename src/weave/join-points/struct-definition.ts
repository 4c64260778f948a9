// `struct-definition: pkg.Type`: the type spec declaring that struct in its own package.
import { allOf, check, needle } from '../needles.js';
import { childByField } from '../syntax.js';
import type { JoinPointKind } from './types.js';

const TYPE_SPEC: ReadonlySet<string> = new Set(['type_spec']);

export const structDefinitionJoinPoint: JoinPointKind<'struct-definition'> = {
  kind: 'struct-definition',
  nodeTypes: () => TYPE_SPEC,
  // The name alone is a weak needle (`runtime.g`: every file of runtime has a g); the check
  // leaves the files where the name can be followed by the keyword struct.
  needles: (spec, pkg) => {
    if (spec.type.path !== pkg.importPath) return false;
    const name = Buffer.from(spec.type.name, 'utf8');
    return allOf(needle(spec.type.name), needle('struct'), check(`(${JSON.stringify(spec.type.name)} then struct)`, (bytes) => mayDefineStruct(bytes, name)));
  },
  matches: (spec, node, ctx) => {
    if (node.type !== 'type_spec' || spec.type.path !== ctx.pkg.importPath) return false;
    const name = childByField(node, 'name');
    const type = childByField(node, 'type');
    return name !== null && type !== null && type.type === 'struct_type' && ctx.file.slice(name) === spec.type.name;
  },
};

const SLASH = 0x2f;
const STAR = 0x2a;
const NEWLINE = 0x0a;

function isIdentByte(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b >= 0x80);
}

/** Past white space (newlines too: a superset) and comments; the length when a comment never ends. */
function skipBlank(b: Uint8Array, i: number): number {
  for (;;) {
    const c = b[i];
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === NEWLINE) i++;
    else if (c === SLASH && b[i + 1] === STAR) {
      i += 2;
      while (i < b.length && !(b[i] === STAR && b[i + 1] === SLASH)) i++;
      if (i >= b.length) return b.length;
      i += 2;
    } else if (c === SLASH && b[i + 1] === SLASH) {
      while (i < b.length && b[i] !== NEWLINE) i++;
    } else return i;
  }
}

/** Past a quoted literal starting at i ("…", `…` or '…'). */
function skipQuoted(b: Uint8Array, i: number): number {
  const q = b[i]!;
  for (i++; i < b.length; i++) {
    if (b[i] === 0x5c && q !== 0x60) i++;
    else if (b[i] === q) return i + 1;
  }
  return b.length;
}

/** Past the bracketed list starting at i (a type parameter list); -1 when it never closes. */
function skipBracketed(b: Uint8Array, i: number): number {
  let depth = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0x22 || c === 0x27 || c === 0x60) i = skipQuoted(b, i);
    else if (c === SLASH && (b[i + 1] === STAR || b[i + 1] === SLASH)) i = skipBlank(b, i);
    else {
      if (c === 0x5b) depth++;
      else if (c === 0x5d && --depth === 0) return i + 1;
      i++;
    }
  }
  return -1;
}

const STRUCT = Buffer.from('struct');

/**
 * Whether the bytes may declare `name` as a struct: the name as a whole identifier (not after a
 * dot), then past blanks and comments an optional type parameter list and `=`, then the keyword
 * struct. Strings and comments elsewhere are not told apart from code, so it may say yes where
 * there is no declaration (that costs a parse), never no where there is one.
 */
export function mayDefineStruct(bytes: Uint8Array, name: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = b.indexOf(name); at >= 0; at = b.indexOf(name, at + 1)) {
    if (at > 0 && (isIdentByte(b[at - 1]) || b[at - 1] === 0x2e)) continue;
    let i = at + name.length;
    if (isIdentByte(b[i])) continue;
    i = skipBlank(b, i);
    if (b[i] === 0x5b) {
      i = skipBracketed(b, i);
      if (i < 0) return true;
      i = skipBlank(b, i);
    }
    if (b[i] === 0x3d) i = skipBlank(b, i + 1);
    if (b.subarray(i, i + STRUCT.length).equals(STRUCT) && !isIdentByte(b[i + STRUCT.length])) return true;
  }
  return false;
}
