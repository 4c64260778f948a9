// `directive: dd:span`: any node annotated with a `//dd:span ...` comment.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readDirectiveName } from '../read-go.js';

export const parseDirective: JoinPointParser = (ctx, value, path, location) => {
  const name = readDirectiveName(ctx, value, childPath(path, 'directive'));
  return name === null ? null : { kind: 'directive', name, location };
};
