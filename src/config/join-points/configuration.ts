// `configuration: {key: value}` is deprecated in orchestrion (it matched against an external
// configuration object weft does not have). Rejected with a clear way out rather than guessed at.
import type { JoinPointParser } from '../yaml-access.js';
import { childPath, report } from '../yaml-access.js';

export const parseConfiguration: JoinPointParser = (ctx, value, path) => {
  report(
    ctx,
    value,
    childPath(path, 'configuration'),
    'the `configuration` join point is deprecated and not supported by weft; select the variant you want with separate aspect files and `extends`, or with `package-filter` / `import-path`',
  );
  return null;
};
