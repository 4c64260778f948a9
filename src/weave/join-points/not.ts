// `not`: the part does not match the node; needles: always possible (bytes cannot prove absence of a match).
import { notMatch } from '../undecided.js';
import { isFileOnly } from './file-only.js';
import type { JoinPointKind } from './types.js';

export const notJoinPoint: JoinPointKind<'not'> = {
  kind: 'not',
  packageValue: (spec, pkg, r) => {
    const v = r.packageValue(spec.of, pkg);
    return v === null ? null : !v;
  },
  nodeTypes: (spec, r) => {
    const t = r.nodeTypes(spec.of);
    return isFileOnly(t) ? t : null;
  },
  needles: () => true,
  matches: (spec, node, ctx, r) => notMatch(r.matches(spec.of, isFileOnly(r.nodeTypes(spec.of)) ? ctx.file.root : node, ctx)),
};
