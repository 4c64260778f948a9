// `wrap-expression`: the matched expression replaced by the rendered template, in which
// `{{ . }}` is the original expression (with whatever was woven into it already).
import { inlineLineComments } from '../edits.js';
import type { AdviceKind } from './types.js';

const NOT_EXPRESSIONS = new Set(['source_file', 'block', 'statement_list', 'function_declaration', 'method_declaration', 'type_spec', 'var_spec', 'const_spec', 'import_declaration', 'type_declaration', 'var_declaration', 'const_declaration']);

export const wrapExpressionAdvice: AdviceKind<'wrap-expression'> = {
  kind: 'wrap-expression',
  apply(spec, ctx) {
    const node = ctx.node;
    if (NOT_EXPRESSIONS.has(node.type) || node.type.endsWith('_statement')) return ctx.fail(`wrap-expression needs an expression, not a ${node.type}`);
    const text = inlineLineComments(ctx.render(spec.template).trim());
    ctx.edits.replace(node.start, node.end, text, ctx.aspect.id, node.start);
  },
};
