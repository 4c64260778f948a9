// `not: <join point>`: nodes the inner join point does not match.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';

export const parseNot: JoinPointParser = (ctx, value, path, location) => {
  const of = ctx.parseJoinPoint(value, childPath(path, 'not'));
  return of === null ? null : { kind: 'not', of, location };
};
