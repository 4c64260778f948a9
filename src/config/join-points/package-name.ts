// `package-name: main`: every node of a package with that name.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readIdentifier } from '../read-go.js';

export const parsePackageName: JoinPointParser = (ctx, value, path, location) => {
  const name = readIdentifier(ctx, value, childPath(path, 'package-name'), 'a package name');
  return name === null ? null : { kind: 'package-name', name, location };
};
