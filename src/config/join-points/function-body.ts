// `function-body: <join point>`: the body block of a function matched by the inner join point
// (usually `function`, but orchestrion accepts any join point there, so do we).
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';

export const parseFunctionBody: JoinPointParser = (ctx, value, path, location) => {
  const inner = ctx.parseJoinPoint(value, childPath(path, 'function-body'));
  return inner === null ? null : { kind: 'function-body', function: inner, location };
};
