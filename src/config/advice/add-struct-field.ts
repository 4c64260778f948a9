// `add-struct-field: {name, type}`: a new field in the matched struct type.
import type { AdviceParser } from '../yaml-access.js';
import { checkKeys, childPath, readMapping } from '../yaml-access.js';
import { readIdentifier, readTypeRef } from '../read-go.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parseAddStructField: AdviceParser = (ctx, value, path, location) => {
  const p = childPath(path, 'add-struct-field');
  const view = readMapping(ctx, value, p, 'a mapping with `name` and `type`');
  if (!view) return null;
  const ok = checkKeys(ctx, view, p, ['name', 'type'], ['name', 'type']);
  const n = view.entries.get('name');
  const name = n ? readIdentifier(ctx, n.value, childPath(p, 'name'), 'a field name') : null;
  const t = view.entries.get('type');
  // The field's type may be one of the struct's own package (`*__dd_kafkaTracer`), written unqualified.
  const type = t ? readTypeRef(ctx, t.value, childPath(p, 'type'), { allowLocal: true }) : null;
  if (!ok || name === null || type === null) return null;
  return { kind: 'add-struct-field', name, type, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location };
};
