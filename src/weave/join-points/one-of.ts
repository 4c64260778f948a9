// `one-of`: any part matches the node; needles: OR.
import { anyOf } from '../needles.js';
import { anyOfMatches } from '../undecided.js';
import type { JoinPointKind } from './types.js';

export const oneOfJoinPoint: JoinPointKind<'one-of'> = {
  kind: 'one-of',
  packageValue: (spec, pkg, r) => {
    let any = false;
    for (const s of spec.of) {
      const v = r.packageValue(s, pkg);
      if (v === null) return null;
      if (v) any = true;
    }
    return any;
  },
  nodeTypes: (spec, r) => {
    const out = new Set<string>();
    for (const s of spec.of) {
      const t = r.nodeTypes(s);
      if (t === null) return null;
      for (const x of t) out.add(x);
    }
    return out;
  },
  needles: (spec, pkg, r) => anyOf(...spec.of.map((s) => r.needles(s, pkg))),
  matches: (spec, node, ctx, r) => anyOfMatches(spec.of.map((s) => () => r.matches(s, node, ctx))),
};
