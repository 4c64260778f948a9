// `assign-value: {template, imports, lang}`: the initial value of a package-level var/const
// matched by value-declaration, replaced by the rendered template.
import type { AdviceParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { parseTemplate } from '../template.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parseAssignValue: AdviceParser = (ctx, value, path, location) => {
  const template = parseTemplate(ctx, value, childPath(path, 'assign-value'));
  if (template === null) return null;
  return { kind: 'assign-value', template, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location };
};
