// `function-body`: the body block of a function matched by the inner join point.
import { FUNCTION_TYPES } from '../syntax.js';
import type { JoinPointKind } from './types.js';

const BLOCK: ReadonlySet<string> = new Set(['block']);

export const functionBodyJoinPoint: JoinPointKind<'function-body'> = {
  kind: 'function-body',
  nodeTypes: () => BLOCK,
  needles: (spec, pkg, r) => r.needles(spec.function, pkg),
  matches: (spec, node, ctx, r) =>
    node.type === 'block' && node.field === 'body' && node.parent !== null && FUNCTION_TYPES.has(node.parent.type) && r.matches(spec.function, node.parent, ctx),
};
