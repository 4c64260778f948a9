// `prepend-statements`: rendered statements at the start of a block (a function's body when the
// join point is a function), in their own `{ }` block so their names do not leak into the user's
// scope. On a statement, they go right before it. Each one goes before those applied earlier
// on the same node (orchestrion's order: the first applied is the closest to the original code).
import { childByField, FUNCTION_TYPES } from '../syntax.js';
import type { AdviceKind } from './types.js';

export const prependStatementsAdvice: AdviceKind<'prepend-statements'> = {
  kind: 'prepend-statements',
  apply(spec, ctx) {
    let block = ctx.node;
    if (FUNCTION_TYPES.has(block.type)) {
      const body = childByField(block, 'body');
      if (!body) return ctx.fail('prepend-statements on a function without a body (an external or assembly function)');
      block = body;
    }
    const text = ctx.render(spec.template).trim();
    if (text === '') return;
    if (block.type === 'block') {
      ctx.edits.prepend(block.start + 1, `\n{\n${text}\n}\n`, ctx.aspect.id, ctx.node.start);
      return;
    }
    const parent = block.parent;
    if (parent && (parent.type === 'statement_list' || parent.type === 'block')) {
      ctx.edits.prepend(block.start, `{\n${text}\n}\n`, ctx.aspect.id, ctx.node.start);
      return;
    }
    ctx.fail(`prepend-statements needs a function, a block or a statement, not a ${block.type}`);
  },
};
