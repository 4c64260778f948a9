// `module-version` (otelc's `version: start,end`): the package's module version is in
// [start, end). Package-level: decided before any file is read, so the package-level filter (and
// with it the weave cache key, which covers the aspects that filter keeps) sees it.
import { compareSemver } from '../../config/semver.js';
import { FILE_NODE, type JoinPointKind, type PackageInfo } from './types.js';

function inRange(start: string, end: string, pkg: PackageInfo): boolean {
  const v = pkg.moduleVersion ?? '';
  if (v === '') return false;
  return (start === '' || compareSemver(v, start) >= 0) && (end === '' || compareSemver(v, end) < 0);
}

export const moduleVersionJoinPoint: JoinPointKind<'module-version'> = {
  kind: 'module-version',
  packageValue: (spec, pkg) => inRange(spec.start, spec.end, pkg),
  nodeTypes: () => FILE_NODE,
  needles: (spec, pkg) => inRange(spec.start, spec.end, pkg),
  matches: (spec, _node, ctx) => inRange(spec.start, spec.end, ctx.pkg),
};
