// `replace-function: pkg.Func`: the matched call's function replaced by another function with
// the same signature (the arguments are kept as they are).
import { childByField } from '../syntax.js';
import type { AdviceKind } from './types.js';

export const replaceFunctionAdvice: AdviceKind<'replace-function'> = {
  kind: 'replace-function',
  apply(spec, ctx) {
    if (ctx.node.type !== 'call_expression') return ctx.fail(`replace-function needs a function call, not a ${ctx.node.type}`);
    const fn = childByField(ctx.node, 'function');
    if (!fn) return ctx.fail('call without a function expression');
    const q = ctx.qualifier(spec.with.path);
    ctx.edits.replace(fn.start, fn.end, q === '' ? spec.with.name : `${q}.${spec.with.name}`, ctx.aspect.id, ctx.node.start);
  },
};
