// `one-of: [join points]`: nodes matched by at least one of them.
import type { JoinPointParser } from '../yaml-access.js';
import { readJoinPointList } from './combinators.js';

export const parseOneOf: JoinPointParser = (ctx, value, path, location) => {
  const of = readJoinPointList(ctx, value, path, 'one-of');
  return of === null ? null : { kind: 'one-of', of, location };
};
