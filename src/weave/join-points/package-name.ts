// `package-name: name`: packages whose package clause says that name (read from the first file's
// bytes before any parsing). Package-level.
import { FILE_NODE, type JoinPointKind } from './types.js';

export const packageNameJoinPoint: JoinPointKind<'package-name'> = {
  kind: 'package-name',
  packageValue: (spec, pkg) => pkg.packageName === spec.name,
  nodeTypes: () => FILE_NODE,
  needles: (spec, pkg) => pkg.packageName === spec.name,
  matches: (spec, _node, ctx) => ctx.pkg.packageName === spec.name,
};
