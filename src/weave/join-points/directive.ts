// `directive: name`: the node a `//name` (or `//name args`) comment sits directly above:
// a declaration or a statement; a var/const spec through its declaration; and, as orchestrion
// has it, a function literal assigned by a statement carrying the directive (`//dd:span` above
// `inner := func(ctx context.Context) {…}`), so `function-body(all-of(function, directive))`
// reaches the literal.
import { directiveArgs } from '../directives.js';
import { needle } from '../needles.js';
import type { SyntaxNode } from '../syntax.js';
import type { JoinPointKind } from './types.js';

export const directiveJoinPoint: JoinPointKind<'directive'> = {
  kind: 'directive',
  nodeTypes: () => null,
  needles: (spec) => needle(`//${spec.name}`),
  matches: (spec, node, ctx) => {
    if (node.type === 'comment' || node.type === 'statement_list' || node.parent === null || !node.named) return false;
    if (directiveArgs(ctx.file, node, spec.name) !== null) return true;
    // A directive above `var x = …` / `const (…)` applies to the specs it declares (orchestrion: a
    // spec inherits its declaration's directives).
    const decl = specDeclaration(node) ?? assignmentOf(node);
    return decl !== null && directiveArgs(ctx.file, decl, spec.name) !== null;
  },
};

/** The assignment (`=`, `:=`) whose right-hand side is this function literal, or null. */
function assignmentOf(node: SyntaxNode): SyntaxNode | null {
  if (node.type !== 'func_literal') return null;
  const list = node.parent;
  const stmt = list?.parent ?? null;
  if (list === null || list.type !== 'expression_list' || list.field !== 'right' || stmt === null) return null;
  return stmt.type === 'assignment_statement' || stmt.type === 'short_var_declaration' ? stmt : null;
}

function specDeclaration(node: SyntaxNode): SyntaxNode | null {
  if (node.type !== 'var_spec' && node.type !== 'const_spec') return null;
  let p = node.parent;
  if (p !== null && p.type === 'var_spec_list') p = p.parent;
  return p !== null && (p.type === 'var_declaration' || p.type === 'const_declaration') ? p : null;
}
