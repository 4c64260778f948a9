// `append-args {type, values}`: values appended to the matched call's arguments. A call that
// spreads a slice (`f(a, xs...)`) gets the slice extended by an immediately invoked function
// that copies it first, so the caller's backing array is never written to.
import { inlineLineComments } from '../edits.js';
import { childByField, namedChildren } from '../syntax.js';
import { renderTypeRef } from '../types.js';
import type { AdviceKind } from './types.js';

export const appendArgsAdvice: AdviceKind<'append-args'> = {
  kind: 'append-args',
  apply(spec, ctx) {
    const call = ctx.node;
    if (call.type !== 'call_expression') return ctx.fail(`append-args needs a function call, not a ${call.type}`);
    const args = childByField(call, 'arguments');
    if (!args) return ctx.fail('call without arguments');
    const values = spec.values.map((v) => inlineLineComments(ctx.render(v).trim()));
    if (values.length === 0) return;
    const list = namedChildren(args);
    const last = list[list.length - 1];
    const spread = last !== undefined && last.type === 'variadic_argument' ? namedChildren(last)[0] : undefined;
    if (spread && last) {
      const type = renderTypeRef(spec.type, (p) => ctx.qualifier(p));
      const slice = ctx.edits.render(spread.start, spread.end);
      const fn = `func(__weft_s ...${type}) []${type} { return append(__weft_s[:len(__weft_s):len(__weft_s)], ${values.join(', ')}) }(${slice}...)...`;
      ctx.edits.replace(last.start, last.end, fn, ctx.aspect.id, call.start);
      return;
    }
    if (last) ctx.edits.insert(last.end, `, ${values.join(', ')}`, ctx.aspect.id, call.start);
    else ctx.edits.insert(args.start + 1, values.join(', '), ctx.aspect.id, call.start);
  },
};
