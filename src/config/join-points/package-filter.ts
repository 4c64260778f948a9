// `package-filter: glob` or `{pattern, root}`: packages whose import path matches the glob
// (`*` within a segment, `**` across segments, `?`, `[class]`). With `root: true` the pattern
// applies to paths relative to the main module, and may be omitted (every package of it).
import type { JoinPointParser, ParseContext } from '../yaml-access.js';
import { checkKeys, childPath, isMappingNode, readBoolean, readMapping, readString, report } from '../yaml-access.js';

function checkGlob(ctx: ParseContext, node: unknown, path: string, glob: string): boolean {
  let depth = 0;
  for (const c of glob) {
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
  }
  if (depth !== 0) {
    report(ctx, node, path, `invalid glob ${JSON.stringify(glob)}: unclosed \`[\``);
    return false;
  }
  if (/\s/.test(glob)) {
    report(ctx, node, path, `invalid glob ${JSON.stringify(glob)}: import paths contain no spaces`);
    return false;
  }
  return true;
}

export const parsePackageFilter: JoinPointParser = (ctx, value, path, location) => {
  const p = childPath(path, 'package-filter');
  if (!isMappingNode(ctx, value)) {
    const glob = readString(ctx, value, p, { what: 'a glob such as `github.com/acme/**` or a mapping with `pattern` and `root`' });
    if (glob === null || !checkGlob(ctx, value, p, glob)) return null;
    return { kind: 'package-filter', pattern: glob, root: null, location };
  }
  const view = readMapping(ctx, value, p);
  if (!view) return null;
  let ok = checkKeys(ctx, view, p, ['pattern', 'root']);
  const r = view.entries.get('root');
  const root = r ? readBoolean(ctx, r.value, childPath(p, 'root')) : false;
  if (root === null) ok = false;
  const pe = view.entries.get('pattern');
  let pattern: string | null = null;
  if (pe) {
    pattern = readString(ctx, pe.value, childPath(p, 'pattern'), { what: 'a glob' });
    if (pattern === null || !checkGlob(ctx, pe.value, childPath(p, 'pattern'), pattern)) ok = false;
  } else if (root === true) {
    pattern = '**';
  } else if (root === false) {
    report(ctx, value, p, 'missing `pattern` (it may only be omitted with `root: true`)');
    ok = false;
  }
  if (!ok || pattern === null) return null;
  return { kind: 'package-filter', pattern, root: root ? '.' : null, location };
};
