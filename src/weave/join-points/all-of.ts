// `all-of`: every part matches the node. Package-level parts fold to constants before files are
// read and are evaluated at the file root; needles: AND.
import { allOf } from '../needles.js';
import { allOfMatches } from '../undecided.js';
import { isFileOnly } from './file-only.js';
import { FILE_NODE, type JoinPointKind } from './types.js';

function intersect(sets: (ReadonlySet<string> | null)[]): ReadonlySet<string> | null {
  let out: Set<string> | null = null;
  for (const s of sets) {
    if (s === null) continue;
    const next = new Set<string>();
    for (const x of s) if (out === null || out.has(x)) next.add(x);
    out = next;
  }
  return out;
}

export const allOfJoinPoint: JoinPointKind<'all-of'> = {
  kind: 'all-of',
  packageValue: (spec, pkg, r) => {
    let all = true;
    for (const s of spec.of) {
      const v = r.packageValue(s, pkg);
      if (v === false) return false;
      if (v === null) all = false;
    }
    return all ? true : null;
  },
  // Package-level parts do not restrict which nodes match: they hold or not for the whole package.
  nodeTypes: (spec, r) => {
    const nodeLevel = spec.of.map((s) => r.nodeTypes(s)).filter((t) => !isFileOnly(t));
    return nodeLevel.length === 0 ? FILE_NODE : intersect(nodeLevel);
  },
  needles: (spec, pkg, r) => allOf(...spec.of.map((s) => r.needles(s, pkg))),
  matches: (spec, node, ctx, r) => allOfMatches(spec.of.map((s) => () => (isFileOnly(r.nodeTypes(s)) ? r.matches(s, ctx.file.root, ctx) : r.matches(s, node, ctx)))),
};
