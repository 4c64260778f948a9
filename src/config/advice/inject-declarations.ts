// `inject-declarations: {template, imports, lang, links}`: declarations added to the matched
// file. `links` names packages needed only at link time (go:linkname targets).
import type { AdviceParser } from '../yaml-access.js';
import { childPath, locationOf, readMapping, readSequence, report } from '../yaml-access.js';
import { parseTemplateFields } from '../template.js';
import { readImportPath } from '../read-go.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from './common.js';

export const parseInjectDeclarations: AdviceParser = (ctx, value, path, location) => {
  const p = childPath(path, 'inject-declarations');
  const view = readMapping(ctx, value, p, 'a code template (a mapping with `template`, optional `imports`, `lang`, `links`)');
  if (!view) return null;
  const template = parseTemplateFields(ctx, view, p, locationOf(ctx, value, p), ['links']);
  let ok = true;
  const links: string[] = [];
  const l = view.entries.get('links');
  if (l) {
    const lp = childPath(p, 'links');
    const items = readSequence(ctx, l.value, lp, 'a list of import paths');
    if (items === null) ok = false;
    else {
      items.forEach((item, i) => {
        const ip = readImportPath(ctx, item, childPath(lp, i));
        if (ip === null) ok = false;
        else if (links.includes(ip)) {
          report(ctx, item, childPath(lp, i), `\`${ip}\` is listed twice in links`);
          ok = false;
        } else links.push(ip);
      });
    }
  }
  if (!ok || template === null) return null;
  return { kind: 'inject-declarations', template, links, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location };
};
