// `add-struct-field`: a field added at the end of the matched struct type's field list.
import { childByField } from '../syntax.js';
import { renderTypeRef } from '../types.js';
import type { AdviceKind } from './types.js';

export const addStructFieldAdvice: AdviceKind<'add-struct-field'> = {
  kind: 'add-struct-field',
  apply(spec, ctx) {
    let n = ctx.node;
    if (n.type === 'type_spec') n = childByField(n, 'type') ?? n;
    if (n.type !== 'struct_type') return ctx.fail(`add-struct-field needs a struct type definition, not a ${n.type}`);
    const fields = n.children.find((c) => c.type === 'field_declaration_list');
    if (!fields) return ctx.fail('struct type without a field list');
    const type = renderTypeRef(spec.type, (p) => ctx.qualifier(p));
    ctx.edits.insert(fields.end - 1, `\n${spec.name} ${type}\n`, ctx.aspect.id, ctx.node.start);
  },
};
