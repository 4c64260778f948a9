// `import-path: net/http`: every node of the package with that import path.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readImportPath } from '../read-go.js';

export const parseImportPath: JoinPointParser = (ctx, value, path, location) => {
  const p = readImportPath(ctx, value, childPath(path, 'import-path'));
  return p === null ? null : { kind: 'import-path', path: p, location };
};
