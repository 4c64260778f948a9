// `value-declaration: T`: a `var` spec whose written type is T.
import { needle } from '../needles.js';
import { childByField } from '../syntax.js';
import { typeMatches } from '../types.js';
import { typeRefNeedles } from './function.js';
import { allOf } from '../needles.js';
import type { JoinPointKind } from './types.js';

const VAR_SPEC: ReadonlySet<string> = new Set(['var_spec']);

export const valueDeclarationJoinPoint: JoinPointKind<'value-declaration'> = {
  kind: 'value-declaration',
  nodeTypes: () => VAR_SPEC,
  needles: (spec, pkg) => allOf(needle('var'), typeRefNeedles(spec.type, pkg)),
  matches: (spec, node, ctx) => {
    if (node.type !== 'var_spec') return false;
    const t = childByField(node, 'type');
    return t !== null && typeMatches(spec.type, t, ctx.types);
  },
};
