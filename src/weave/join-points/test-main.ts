// `test-main: bool`: the generated test main package (`_testmain.go`) or everything else. Package-level.
import { FILE_NODE, type JoinPointKind } from './types.js';

export const testMainJoinPoint: JoinPointKind<'test-main'> = {
  kind: 'test-main',
  packageValue: (spec, pkg) => pkg.isTestMain === spec.value,
  nodeTypes: () => FILE_NODE,
  needles: (spec, pkg) => pkg.isTestMain === spec.value,
  matches: (spec, _node, ctx) => ctx.pkg.isTestMain === spec.value,
};
