// `value-declaration: T`: a `var` or `const` spec whose written type is T, or that has no written
// type at all (as in orchestrion, which leaves `var enabled = false` to the other join points of
// an all-of, e.g. a directive or declaration-of, to pin down).
import { anyOf, needle } from '../needles.js';
import { childByField } from '../syntax.js';
import { typeMatches } from '../types.js';
import type { JoinPointKind } from './types.js';

const VALUE_SPECS: ReadonlySet<string> = new Set(['var_spec', 'const_spec']);

export const valueDeclarationJoinPoint: JoinPointKind<'value-declaration'> = {
  kind: 'value-declaration',
  nodeTypes: () => VALUE_SPECS,
  // An untyped spec names no type, so only the keyword is a sure needle.
  needles: () => anyOf(needle('var'), needle('const')),
  matches: (spec, node, ctx) => {
    if (!VALUE_SPECS.has(node.type)) return false;
    const t = childByField(node, 'type');
    return t === null || typeMatches(spec.type, t, ctx.types);
  },
};
