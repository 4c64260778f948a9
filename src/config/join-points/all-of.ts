// `all-of: [join points]`: nodes matched by every one of them.
import type { JoinPointParser } from '../yaml-access.js';
import { readJoinPointList } from './combinators.js';

export const parseAllOf: JoinPointParser = (ctx, value, path, location) => {
  const of = readJoinPointList(ctx, value, path, 'all-of');
  return of === null ? null : { kind: 'all-of', of, location };
};
