// `all-of`, `one-of`, `not`. Package-level parts fold to constants before files are read;
// needles: all-of → AND, one-of → OR, not → always possible.
import { allOf, anyOf } from '../needles.js';
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
  matches: (spec, node, ctx, r) => spec.of.every((s) => (isFileOnly(r.nodeTypes(s)) ? r.matches(s, ctx.file.root, ctx) : r.matches(s, node, ctx))),
};

export function isFileOnly(s: ReadonlySet<string> | null): boolean {
  return s !== null && s.size === 1 && s.has('source_file');
}

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
  matches: (spec, node, ctx, r) => spec.of.some((s) => r.matches(s, node, ctx)),
};

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
  matches: (spec, node, ctx, r) => !r.matches(spec.of, isFileOnly(r.nodeTypes(spec.of)) ? ctx.file.root : node, ctx),
};
