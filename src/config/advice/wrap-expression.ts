// `wrap-expression: {template, imports, lang}`: the matched expression replaced by the rendered
// template, in which `{{ . }}` is the original expression.
import type { AdviceParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { parseTemplate } from '../template.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parseWrapExpression: AdviceParser = (ctx, value, path, location) => {
  const template = parseTemplate(ctx, value, childPath(path, 'wrap-expression'));
  if (template === null) return null;
  return { kind: 'wrap-expression', template, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location };
};
