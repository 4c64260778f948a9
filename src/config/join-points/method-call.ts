// `method-call: {receiver, name, match}`: `x.Name()` where x has the named receiver type (the
// weaver needs type information for it). The receiver is written without `*`; `match` picks
// pointer or value receivers.
import type { JoinPointParser } from '../yaml-access.js';
import { checkKeys, childPath, readMapping, report } from '../yaml-access.js';
import { readIdentifier, readTypeRef } from '../read-go.js';
import { readMatchMode } from './struct-literal.js';

export const parseMethodCall: JoinPointParser = (ctx, value, path, location) => {
  const p = childPath(path, 'method-call');
  const view = readMapping(ctx, value, p, 'a mapping with `receiver`, `name` and optional `match`');
  if (!view) return null;
  let ok = checkKeys(ctx, view, p, ['receiver', 'name', 'match'], ['receiver', 'name']);
  const r = view.entries.get('receiver');
  let receiver = null;
  if (r) {
    receiver = readTypeRef(ctx, r.value, childPath(p, 'receiver'));
    if (receiver !== null && receiver.kind === 'named' && receiver.path === '') {
      report(ctx, r.value, childPath(p, 'receiver'), `the receiver must be a package-qualified type such as \`net/http.Client\`, found \`${receiver.text}\``);
      receiver = null;
    }
    if (receiver !== null && receiver.kind !== 'named') {
      const hint = receiver.kind === 'pointer' ? '; drop the `*` and use `match: pointer-only`' : '';
      report(ctx, r.value, childPath(p, 'receiver'), `the receiver must be a named type such as \`net/http.Client\`, found \`${receiver.text}\`${hint}`);
      receiver = null;
    }
    if (receiver === null) ok = false;
  }
  const n = view.entries.get('name');
  const name = n ? readIdentifier(ctx, n.value, childPath(p, 'name'), 'a method name') : null;
  const m = view.entries.get('match');
  const match = m ? readMatchMode(ctx, m.value, childPath(p, 'match')) : 'any';
  if (!ok || name === null || match === null || receiver === null) return null;
  return { kind: 'method-call', receiver, name, match, location };
};
