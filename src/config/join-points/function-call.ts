// `function-call: net/http.Get`: calls to that package-level function, whatever the file imports it as.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readQualifiedName } from '../read-go.js';

export const parseFunctionCall: JoinPointParser = (ctx, value, path, location) => {
  const callee = readQualifiedName(ctx, value, childPath(path, 'function-call'));
  return callee === null ? null : { kind: 'function-call', callee, location };
};
