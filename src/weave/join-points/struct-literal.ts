// `struct-literal: {type, match, field}`: composite literals of a struct type. `match` picks
// value literals (`T{}`), pointer literals (`&T{}`, the matched node is the `&` expression) or
// both (`any`, the default: the matched node is the literal itself, under a `&` too, as in
// orchestrion, whose templates rebuild it from `.AST.Type` and `.AST.Elts`); `field` selects the
// value of that key in the literal instead of the literal itself.
import { allOf, importNeedle, needle } from '../needles.js';
import { childByField, namedChildren, type SyntaxNode } from '../syntax.js';
import { namedTypeMatches } from '../types.js';
import type { JoinPointKind, MatchContext } from './types.js';
import type { SpecOf } from './types.js';

const LITERAL: ReadonlySet<string> = new Set(['composite_literal']);
const POINTER: ReadonlySet<string> = new Set(['unary_expression']);
const FIELD_VALUE: ReadonlySet<string> = new Set(['literal_element']);

function isAddressed(lit: SyntaxNode, ctx: MatchContext): boolean {
  const p = lit.parent;
  return p !== null && p.type === 'unary_expression' && ctx.file.text[p.start] === '&';
}

function literalMatches(spec: SpecOf<'struct-literal'>, lit: SyntaxNode, ctx: MatchContext): boolean {
  if (lit.type !== 'composite_literal') return false;
  const t = childByField(lit, 'type');
  if (!t || !namedTypeMatches(spec.type, t, ctx.types)) return false;
  if (spec.match === 'value-only') return !isAddressed(lit, ctx);
  if (spec.match === 'pointer-only') return isAddressed(lit, ctx);
  return true;
}

export const structLiteralJoinPoint: JoinPointKind<'struct-literal'> = {
  kind: 'struct-literal',
  nodeTypes: (spec) => (spec.field !== null ? FIELD_VALUE : spec.match === 'pointer-only' ? POINTER : LITERAL),
  needles: (spec, pkg) =>
    allOf(spec.type.path === pkg.importPath ? true : importNeedle(spec.type.path), needle(spec.type.name), spec.field !== null ? needle(spec.field) : true),
  matches: (spec, node, ctx) => {
    if (spec.field !== null) {
      // literal_element (value) ← keyed_element ← literal_value ← composite_literal
      const keyed = node.parent;
      if (node.type !== 'literal_element' || !keyed || keyed.type !== 'keyed_element' || namedChildren(keyed)[1] !== node) return false;
      const key = namedChildren(keyed)[0];
      if (!key || ctx.file.slice(key).trim() !== spec.field) return false;
      const lit = keyed.parent?.parent;
      return lit !== undefined && lit !== null && literalMatches(spec, lit, ctx);
    }
    if (spec.match === 'pointer-only') {
      if (node.type !== 'unary_expression' || ctx.file.text[node.start] !== '&') return false;
      const inner = childByField(node, 'operand');
      return inner !== null && literalMatches(spec, inner, ctx);
    }
    return literalMatches(spec, node, ctx);
  },
};
