// `assign-value`: the value of the matched variable declaration set to the rendered template
// (replacing an initial value if there is one).
import { inlineLineComments } from '../edits.js';
import { childByField } from '../syntax.js';
import type { AdviceKind } from './types.js';

export const assignValueAdvice: AdviceKind<'assign-value'> = {
  kind: 'assign-value',
  apply(spec, ctx) {
    const n = ctx.node;
    if (n.type !== 'var_spec' && n.type !== 'const_spec') return ctx.fail(`assign-value needs a variable declaration, not a ${n.type}`);
    const text = inlineLineComments(ctx.render(spec.template).trim());
    const value = childByField(n, 'value');
    if (value) {
      ctx.edits.replace(value.start, value.end, text, ctx.aspect.id, n.start);
      return;
    }
    ctx.edits.insert(n.end, ` = ${text}`, ctx.aspect.id, n.start);
  },
};
