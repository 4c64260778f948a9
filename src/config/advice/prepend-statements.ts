// `prepend-statements: {template, imports, lang, namespace, order}`: statements rendered before
// the matched node (in their own block). namespace/order order advice on the same node.
import type { AdviceParser } from '../yaml-access.js';
import { childPath, locationOf, readInteger, readMapping, readString } from '../yaml-access.js';
import { parseTemplateFields } from '../template.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parsePrependStatements: AdviceParser = (ctx, value, path, location) => {
  const p = childPath(path, 'prepend-statements');
  const view = readMapping(ctx, value, p, 'a code template (a mapping with `template`, optional `imports`, `lang`, `namespace`, `order`)');
  if (!view) return null;
  const template = parseTemplateFields(ctx, view, p, locationOf(ctx, value, p), ['namespace', 'order']);
  const ns = view.entries.get('namespace');
  const namespace = ns ? readString(ctx, ns.value, childPath(p, 'namespace'), { what: 'a namespace name' }) : DEFAULT_NAMESPACE;
  const o = view.entries.get('order');
  const order = o ? readInteger(ctx, o.value, childPath(p, 'order')) : DEFAULT_ORDER;
  if (template === null || namespace === null || order === null) return null;
  return { kind: 'prepend-statements', template, namespace, order, location };
};
