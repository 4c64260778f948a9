// `declaration-of: pkg/path.Name`: the top-level func, var or const declaring that symbol.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readQualifiedName } from '../read-go.js';

export const parseDeclarationOf: JoinPointParser = (ctx, value, path, location) => {
  const symbol = readQualifiedName(ctx, value, childPath(path, 'declaration-of'));
  return symbol === null ? null : { kind: 'declaration-of', symbol, location };
};
