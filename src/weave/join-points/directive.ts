// `directive: name`: the node a `//name` (or `//name args`) comment sits directly above:
// a declaration, a statement, or a function literal's statement.
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
    const decl = specDeclaration(node);
    return decl !== null && directiveArgs(ctx.file, decl, spec.name) !== null;
  },
};

function specDeclaration(node: SyntaxNode): SyntaxNode | null {
  if (node.type !== 'var_spec' && node.type !== 'const_spec') return null;
  let p = node.parent;
  if (p !== null && p.type === 'var_spec_list') p = p.parent;
  return p !== null && (p.type === 'var_declaration' || p.type === 'const_declaration') ? p : null;
}
