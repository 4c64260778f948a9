// Shared reader for `all-of` / `one-of`: a non-empty list of join points.
import type { JoinPointSpec } from '../types.js';
import type { ParseContext } from '../yaml-access.js';
import { childPath, readSequence, report } from '../yaml-access.js';

export function readJoinPointList(ctx: ParseContext, value: unknown, path: string, key: string): JoinPointSpec[] | null {
  const p = childPath(path, key);
  const items = readSequence(ctx, value, p, 'a list of join points');
  if (items === null) return null;
  if (items.length === 0) {
    report(ctx, value, p, `\`${key}\` needs at least one join point`);
    return null;
  }
  const out: JoinPointSpec[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const jp = ctx.parseJoinPoint(item, childPath(p, i));
    if (jp === null) ok = false;
    else out.push(jp);
  });
  return ok ? out : null;
}
