// `function-call: pkg/path.Func`: a call of that function through whatever name the file
// imports it under (alias or dot import), never through a local variable that shadows the
// import. As in orchestrion, calls inside the function's own package never match: the join
// point is about callers that import the package (database/sql's own `OpenDB(...)` must not be
// replaced by an integration that itself imports database/sql).
import type { QualifiedName } from '../../config/types.js';
import { isShadowed, resolveQualifier } from '../imports.js';
import { allOf, importNeedle, needle } from '../needles.js';
import { childByField, type SyntaxNode } from '../syntax.js';
import type { JoinPointKind, MatchContext } from './types.js';

const CALL: ReadonlySet<string> = new Set(['call_expression']);

/** True when `fn` (a call's function expression) names the qualified function. */
export function refersTo(fn: SyntaxNode, callee: QualifiedName, ctx: MatchContext): boolean {
  let f = fn;
  while (f.type === 'parenthesized_expression') {
    const inner = f.children.find((c) => c.named);
    if (!inner) return false;
    f = inner;
  }
  // Explicit instantiation: pkg.F[T](...)
  if (f.type === 'index_expression' || f.type === 'generic_type') {
    const base = childByField(f, 'operand') ?? childByField(f, 'type');
    if (!base) return false;
    f = base;
  }
  const file = ctx.file;
  if (f.type === 'selector_expression') {
    const operand = childByField(f, 'operand');
    const field = childByField(f, 'field');
    if (!operand || !field || operand.type !== 'identifier' || file.slice(field) !== callee.name) return false;
    return resolveQualifier(file, file.slice(operand), f) === callee.path;
  }
  if (f.type === 'identifier') {
    if (file.slice(f) !== callee.name) return false;
    if (isShadowed(file, callee.name, f)) return false;
    return file.imports.dotImports.includes(callee.path);
  }
  return false;
}

export const functionCallJoinPoint: JoinPointKind<'function-call'> = {
  kind: 'function-call',
  nodeTypes: () => CALL,
  needles: (spec) => allOf(importNeedle(spec.callee.path), needle(spec.callee.name)),
  matches: (spec, node, ctx) => {
    const fn = childByField(node, 'function');
    return fn !== null && refersTo(fn, spec.callee, ctx);
  },
};
