// `add-blank-import: path`: `import _ "path"` in the matched file.
import type { AdviceParser } from '../yaml-access.js';
import { childPath } from '../yaml-access.js';
import { readImportPath } from '../read-go.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parseAddBlankImport: AdviceParser = (ctx, value, path, location) => {
  const ip = readImportPath(ctx, value, childPath(path, 'add-blank-import'));
  if (ip === null) return null;
  return { kind: 'add-blank-import', path: ip, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location };
};
