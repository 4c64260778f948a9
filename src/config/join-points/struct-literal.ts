// `struct-literal: {type, field | match}`: composite literals of that struct type; with `field`,
// the value of that key in them. `field` and `match` exclude each other (as in orchestrion).
import type { JoinPointParser, ParseContext } from '../yaml-access.js';
import { checkKeys, childPath, readMapping, readString, report } from '../yaml-access.js';
import { readIdentifier, readQualifiedName } from '../read-go.js';
import { didYouMean } from '../problems.js';

const MATCH_MODES = ['any', 'value-only', 'pointer-only'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export function readMatchMode(ctx: ParseContext, node: unknown, path: string): MatchMode | null {
  const s = readString(ctx, node, path, { what: 'one of any, value-only, pointer-only' });
  if (s === null) return null;
  if (!(MATCH_MODES as readonly string[]).includes(s)) {
    report(ctx, node, path, `invalid match ${JSON.stringify(s)}; use one of ${MATCH_MODES.join(', ')}${didYouMean(s, MATCH_MODES)}`);
    return null;
  }
  return s as MatchMode;
}

export const parseStructLiteral: JoinPointParser = (ctx, value, path, location) => {
  const p = childPath(path, 'struct-literal');
  const view = readMapping(ctx, value, p, 'a mapping with `type` and optional `field` or `match`');
  if (!view) return null;
  let ok = checkKeys(ctx, view, p, ['type', 'field', 'match'], ['type']);
  const t = view.entries.get('type');
  const type = t ? readQualifiedName(ctx, t.value, childPath(p, 'type')) : null;
  const f = view.entries.get('field');
  const field = f ? readIdentifier(ctx, f.value, childPath(p, 'field'), 'a struct field name') : null;
  if (f && field === null) ok = false;
  const m = view.entries.get('match');
  const match = m ? readMatchMode(ctx, m.value, childPath(p, 'match')) : 'any';
  if (f && m) {
    report(ctx, m.key, childPath(p, 'match'), '`match` cannot be combined with `field`: a field value is neither a pointer nor a value literal; remove one of them');
    ok = false;
  }
  if (!ok || type === null || match === null) return null;
  return { kind: 'struct-literal', type, field, match, location };
};
