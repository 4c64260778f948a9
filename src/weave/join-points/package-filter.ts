// `package-filter: glob` or `{pattern, root}`: packages whose import path matches the glob; with
// `root` ('.', the main module) the pattern is relative to the main module's path. Package-level.
import { FILE_NODE, type JoinPointKind } from './types.js';

/** Glob over import paths: `*` within one element, `**` or `...` across elements. */
export function globMatches(pattern: string, path: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (pattern.startsWith('**', i)) {
      re += '.*';
      i++;
    } else if (pattern.startsWith('...', i)) {
      re += '.*';
      i += 2;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[' && pattern.indexOf(']', i + 1) > i + 1) {
      const close = pattern.indexOf(']', i + 1);
      const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(path);
}

function filterValue(pattern: string, root: string | null, importPath: string, modulePath: string | undefined): boolean {
  if (root === null) return globMatches(pattern, importPath);
  // `root` names the tree the pattern is relative to: `.` for the main module, else an import path prefix.
  const base = root === '.' || root === '' ? modulePath ?? '' : root;
  if (base === '') return false;
  if (importPath !== base && !importPath.startsWith(`${base}/`)) return false;
  const rel = importPath === base ? '.' : importPath.slice(base.length + 1);
  return globMatches(pattern, rel) || globMatches(pattern, importPath);
}

export const packageFilterJoinPoint: JoinPointKind<'package-filter'> = {
  kind: 'package-filter',
  packageValue: (spec, pkg) => filterValue(spec.pattern, spec.root, pkg.importPath, pkg.modulePath),
  nodeTypes: () => FILE_NODE,
  needles: (spec, pkg) => filterValue(spec.pattern, spec.root, pkg.importPath, pkg.modulePath),
  matches: (spec, _node, ctx) => filterValue(spec.pattern, spec.root, ctx.pkg.importPath, ctx.pkg.modulePath),
};
