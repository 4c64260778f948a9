// `append-args: {type, values: [templates]}`: arguments added at the end of the matched call;
// `type` is the variadic parameter's element type, needed when the call ends in `slice...`.
import type { TemplateSpec } from '../types.js';
import type { AdviceParser } from '../yaml-access.js';
import { checkKeys, childPath, readMapping, readSequence, report } from '../yaml-access.js';
import { readTypeRef } from '../read-go.js';
import { parseTemplate } from '../template.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parseAppendArgs: AdviceParser = (ctx, value, path, location) => {
  const p = childPath(path, 'append-args');
  const view = readMapping(ctx, value, p, 'a mapping with `type` and `values`');
  if (!view) return null;
  let ok = checkKeys(ctx, view, p, ['type', 'values'], ['type', 'values']);
  const t = view.entries.get('type');
  const type = t ? readTypeRef(ctx, t.value, childPath(p, 'type')) : null;
  const values: TemplateSpec[] = [];
  const v = view.entries.get('values');
  if (v) {
    const vp = childPath(p, 'values');
    const items = readSequence(ctx, v.value, vp, 'a list of code templates');
    if (items === null) ok = false;
    else if (items.length === 0) {
      report(ctx, v.value, vp, '`values` needs at least one code template');
      ok = false;
    } else {
      items.forEach((item, i) => {
        const tpl = parseTemplate(ctx, item, childPath(vp, i));
        if (tpl === null) ok = false;
        else values.push(tpl);
      });
    }
  }
  if (!ok || type === null) return null;
  return { kind: 'append-args', type, values, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location };
};
