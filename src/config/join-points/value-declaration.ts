// `value-declaration: <type>`: package-level var/const declarations of that type.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readTypeRef } from '../read-go.js';

export const parseValueDeclaration: JoinPointParser = (ctx, value, path, location) => {
  const type = readTypeRef(ctx, value, childPath(path, 'value-declaration'));
  return type === null ? null : { kind: 'value-declaration', type, location };
};
