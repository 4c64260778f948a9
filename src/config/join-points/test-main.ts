// `test-main: true|false`: only (or never) the synthetic main package of `go test`.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readBoolean } from '../yaml-access.js';

export const parseTestMain: JoinPointParser = (ctx, value, path, location) => {
  const v = readBoolean(ctx, value, childPath(path, 'test-main'));
  return v === null ? null : { kind: 'test-main', value: v, location };
};
