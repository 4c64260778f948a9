// Semantic versions as Go modules write them (`v1.2.3`, `v1.2.3-rc.1`, `v0.0.0-20240101-abcdef`,
// `+incompatible`), for otelc's version ranges. Build metadata does not order.

const SEMVER = /^v(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function isSemver(v: string): boolean {
  return SEMVER.test(v);
}

function parts(v: string): { nums: number[]; pre: string[] } {
  const m = SEMVER.exec(v);
  if (!m) return { nums: [0, 0, 0], pre: [] };
  return { nums: [Number(m[1] ?? 0), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] !== undefined ? m[4].split('.') : [] };
}

/** <0, 0, >0 as a orders before, with or after b (semver precedence). */
export function compareSemver(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i]! - y.nums[i]!;
  // A pre-release orders before its release.
  if (x.pre.length === 0 || y.pre.length === 0) return (x.pre.length === 0 ? 1 : 0) - (y.pre.length === 0 ? 1 : 0);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^[0-9]+$/.test(p);
    const qn = /^[0-9]+$/.test(q);
    if (pn && qn && Number(p) !== Number(q)) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    if (!pn && p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
