// Build-time switches: `integrations: {disable: [...], enable: [...]}` in the user's configuration
// file turns integrations, or single aspects by id, off. An integration is where an aspect came
// from: the Go package whose orchestrion.yml (or tool file) brought it (dd-trace-go's
// `github.com/DataDog/dd-trace-go/contrib/net/http/v2`), else the YAML file itself. A name in a
// list is an integration's full name, a unique tail of it on `/` boundaries with or without the
// major-version suffix (`contrib/net/http`), or an aspect id. With `enable`, only what it names is
// on; `disable` then turns off what it names (naming one thing in both lists is an error).
// Switched-off aspects leave the resolved configuration, so what they inject is neither listed,
// resolved nor compiled, and the fingerprint follows the switches.
import type { Problem } from './problems.js';
import { suggest } from './problems.js';
import type { ResolvedAspect, ResolvedIntegration } from './types.js';

export type SwitchList = 'enable' | 'disable';

/** One name of a switch list, where it was written. */
export interface SwitchEntry {
  readonly name: string;
  readonly list: SwitchList;
  readonly file: string;
  readonly line: number;
  /** YAML path, e.g. `integrations.disable[1]`. */
  readonly path: string;
}

export interface SwitchLists {
  /** Null when the file has no `enable` list (everything is on unless disabled). */
  readonly enable: readonly SwitchEntry[] | null;
  readonly disable: readonly SwitchEntry[];
}

/** An aspect with the integration it came from (`name`), in load order. */
export interface SourcedAspect {
  readonly aspect: ResolvedAspect;
  readonly integration: string;
}

type Target = { kind: 'integration'; name: string } | { kind: 'aspects'; ids: string[] };

/** `github.com/x/y/v2` → `github.com/x/y`: names are also matched without the major-version suffix. */
function withoutMajor(name: string): string {
  return name.replace(/\/v[2-9][0-9]*$/, '');
}

function tailMatches(full: string, tail: string): boolean {
  for (const n of new Set([full, withoutMajor(full)])) {
    if (n === tail || n.endsWith(`/${tail}`)) return true;
  }
  return false;
}

function where(e: SwitchEntry): string {
  return `${e.path} at ${e.file}:${e.line}`;
}

function resolveEntry(e: SwitchEntry, integrations: readonly string[], ids: ReadonlySet<string>, problems: Problem[]): Target | null {
  if (integrations.includes(e.name)) return { kind: 'integration', name: e.name };
  if (ids.has(e.name)) return { kind: 'aspects', ids: [e.name] };
  const tails = integrations.filter((n) => tailMatches(n, e.name));
  if (tails.length === 1) return { kind: 'integration', name: tails[0]! };
  if (tails.length > 1) {
    problems.push({ file: e.file, line: e.line, path: e.path, message: `\`${e.name}\` names several integrations: ${tails.join(', ')}; write the full name of the one you mean` });
    return null;
  }
  const group = [...ids].filter((id) => id.startsWith(`${e.name}.`));
  if (group.length > 0) return { kind: 'aspects', ids: group };
  // Suggest among the names and their tails (a typo in `contrib/net/htp` is close to a tail only).
  const tailsOf = (n: string): string[] => withoutMajor(n).split('/').map((_, i, parts) => parts.slice(i).join('/'));
  const close = suggest(e.name, [...new Set([...integrations, ...integrations.flatMap(tailsOf), ...ids])]);
  const known = integrations.length > 0 ? `known integrations: ${integrations.join(', ')}` : 'this configuration has no integrations';
  const knownIds = ids.size > 0 ? `; aspect ids: ${[...ids].sort().join(', ')}` : '';
  problems.push({
    file: e.file, line: e.line, path: e.path,
    message: `no integration or aspect id \`${e.name}\`${close !== null ? ` (did you mean \`${close}\`?)` : ''}; ${known}${knownIds}`,
  });
  return null;
}

/**
 * Applies the switches: the aspects left on, in load order, and every integration with its state.
 * Problems (unknown or ambiguous names, a name in both lists) are added to `problems`.
 */
export function applySwitches(sourced: readonly SourcedAspect[], lists: SwitchLists, problems: Problem[]): { aspects: ResolvedAspect[]; integrations: ResolvedIntegration[] } {
  const order: string[] = [];
  const members = new Map<string, SourcedAspect[]>();
  for (const s of sourced) {
    let m = members.get(s.integration);
    if (m === undefined) {
      m = [];
      members.set(s.integration, m);
      order.push(s.integration);
    }
    m.push(s);
  }
  const ids = new Set(sourced.map((s) => s.aspect.id));
  const named = { enable: new Map<string, SwitchEntry>(), disable: new Map<string, SwitchEntry>() };
  for (const e of [...(lists.enable ?? []), ...lists.disable]) {
    const t = resolveEntry(e, order, ids, problems);
    if (t === null) continue;
    const keys = t.kind === 'integration' ? [`i:${t.name}`] : t.ids.map((id) => `a:${id}`);
    const other = keys.map((k) => named[e.list === 'enable' ? 'disable' : 'enable'].get(k)).find((x) => x !== undefined);
    if (other !== undefined) {
      problems.push({ file: e.file, line: e.line, path: e.path, message: `\`${e.name}\` is both enabled and disabled (also ${where(other)}); keep it in one list` });
      continue;
    }
    for (const key of keys) if (!named[e.list].has(key)) named[e.list].set(key, e);
  }

  const enableList = lists.enable;
  const on: ResolvedAspect[] = [];
  const integrations: ResolvedIntegration[] = [];
  for (const name of order) {
    const list = members.get(name)!;
    const disabledBy = named.disable.get(`i:${name}`);
    const enabledBy = named.enable.get(`i:${name}`);
    const aspectsOff: { id: string; reason: string }[] = [];
    let kept = 0;
    for (const s of list) {
      const id = s.aspect.id;
      let reason: string | null = null;
      if (disabledBy !== undefined) reason = `disabled by ${where(disabledBy)}`;
      else if (named.disable.has(`a:${id}`)) reason = `disabled by ${where(named.disable.get(`a:${id}`)!)}`;
      else if (enableList !== null && enabledBy === undefined && !named.enable.has(`a:${id}`)) reason = `not named in integrations.enable at ${enableList[0]?.file ?? ''}:${enableList[0]?.line ?? 0}`;
      if (reason === null) {
        on.push(s.aspect);
        kept++;
      } else if (!aspectsOff.some((a) => a.id === id)) aspectsOff.push({ id, reason });
    }
    const total = list.length;
    let reason: string;
    if (kept === 0) reason = new Set(aspectsOff.map((a) => a.reason)).size === 1 ? aspectsOff[0]!.reason : 'every aspect switched off by id';
    else if (kept < total) reason = `${total - kept} of ${total} aspects off by id`;
    else reason = enabledBy !== undefined ? `enabled by ${where(enabledBy)}` : enableList !== null ? 'aspects enabled by id' : 'on by default';
    integrations.push({
      name,
      aspects: [...new Set(list.map((s) => s.aspect.id))],
      on: kept > 0,
      reason,
      ...(kept > 0 && aspectsOff.length > 0 ? { aspectsOff } : {}),
    });
  }
  return { aspects: on, integrations };
}
