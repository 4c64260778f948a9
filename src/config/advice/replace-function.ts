// `replace-function: pkg/path.Func`: the callee of the matched call replaced by that function.
import type { AdviceParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readQualifiedName } from '../read-go.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parseReplaceFunction: AdviceParser = (ctx, value, path, location) => {
  const target = readQualifiedName(ctx, value, childPath(path, 'replace-function'));
  if (target === null) return null;
  return { kind: 'replace-function', with: target, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location };
};
