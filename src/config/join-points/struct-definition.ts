// `struct-definition: pkg/path.Type`: the type spec that declares that struct.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readQualifiedName } from '../read-go.js';

export const parseStructDefinition: JoinPointParser = (ctx, value, path, location) => {
  const type = readQualifiedName(ctx, value, childPath(path, 'struct-definition'));
  return type === null ? null : { kind: 'struct-definition', type, location };
};
