// `directive: name`: the node a `//name` (or `//name args`) comment sits directly above:
// a declaration, a statement, or a function literal's statement.
import { directiveArgs } from '../directives.js';
import { needle } from '../needles.js';
import type { JoinPointKind } from './types.js';

export const directiveJoinPoint: JoinPointKind<'directive'> = {
  kind: 'directive',
  nodeTypes: () => null,
  needles: (spec) => needle(`//${spec.name}`),
  matches: (spec, node, ctx) => node.type !== 'comment' && node.type !== 'statement_list' && node.parent !== null && node.named && directiveArgs(ctx.file, node, spec.name) !== null,
};
