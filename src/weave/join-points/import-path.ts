// `import-path: path`: the package with that import path. Package-level: decided from the
// compile alone; alone it matches the package (its first file), inside all-of it gates the rest.
import { FILE_NODE, type JoinPointKind } from './types.js';

export const importPathJoinPoint: JoinPointKind<'import-path'> = {
  kind: 'import-path',
  packageValue: (spec, pkg) => pkg.importPath === spec.path,
  nodeTypes: () => FILE_NODE,
  needles: (spec, pkg) => pkg.importPath === spec.path,
  matches: (spec, _node, ctx) => ctx.pkg.importPath === spec.path,
};
