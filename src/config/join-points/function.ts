// `function: [options]`: func declarations and literals meeting every option. Options are a list
// of one-key mappings: name, receiver (a type, or true/false for "is a method"), signature,
// signature-contains, argument-implements, result-implements, final-result-implements, directive.
// `signature-contains: {args, returns}` holds when any one listed type is among the parameters or
// results, in a package importing every listed type's package (orchestrion's rule).
// Older orchestrion files also use `receives: T` (some argument has type T: the same as
// `signature-contains: {args: [T]}`) and a nested `one-of: [options]`; the latter is distributed
// into a `one-of` of `function` join points, so the model needs no option combinator.
import type { FunctionOption, JoinPointSpec, TypeRef } from '../types.js';
import type { JoinPointParser, ParseContext } from '../yaml-access.js';
import { checkKeys, childPath, isMappingNode, readMapping, readSequence, readSingleton, readString, report, resolveNode } from '../yaml-access.js';
import { readDirectiveName, readTypeRef } from '../read-go.js';
import { isGoIdentifier } from '../go-syntax.js';
import { didYouMean } from '../problems.js';
import { isScalar } from 'yaml';

export const FUNCTION_OPTIONS = [
  'name', 'receiver', 'signature', 'signature-contains', 'argument-implements', 'result-implements',
  'final-result-implements', 'directive', 'receives', 'one-of',
] as const;

/** Distributing nested one-of options multiplies alternatives; beyond this the config is surely wrong. */
const MAX_ALTERNATIVES = 64;

/** Each option is a set of alternatives, each alternative a conjunction of options. */
type Alternatives = FunctionOption[][];

function readTypeList(ctx: ParseContext, node: unknown, path: string): TypeRef[] | null {
  const items = readSequence(ctx, node, path, 'a list of Go types');
  if (items === null) return null;
  const out: TypeRef[] = [];
  let ok = true;
  items.forEach((item, i) => {
    // Unqualified names are types of the woven package, as in orchestrion (`TestingSuite`).
    const t = readTypeRef(ctx, item, childPath(path, i), { allowLocal: true });
    if (t === null) ok = false;
    else out.push(t);
  });
  if (ok) {
    out.forEach((t, i) => {
      if (t.kind === 'variadic' && i !== out.length - 1) {
        report(ctx, items[i], childPath(path, i), '`...` is only allowed on the last argument');
        ok = false;
      }
    });
  }
  return ok ? out : null;
}

function readSignature(ctx: ParseContext, node: unknown, path: string, key: 'signature' | 'signature-contains'): FunctionOption | null {
  // `signature: {}` (no args, no results) is common; YAML `signature:` with nothing is the same.
  const resolved = resolveNode(ctx, node);
  if (isScalar(resolved) && resolved.value === null) return { kind: key, args: [], returns: [] };
  const view = readMapping(ctx, node, path, 'a mapping with `args` and/or `returns` lists');
  if (!view) return null;
  let ok = checkKeys(ctx, view, path, ['args', 'returns']);
  const a = view.entries.get('args');
  const r = view.entries.get('returns');
  const args = a ? readTypeList(ctx, a.value, childPath(path, 'args')) : [];
  const returns = r ? readTypeList(ctx, r.value, childPath(path, 'returns')) : [];
  if (args === null || returns === null) ok = false;
  if (ok && key === 'signature-contains' && args!.length === 0 && returns!.length === 0) {
    report(ctx, node, path, '`signature-contains` needs at least one type in `args` or `returns`');
    ok = false;
  }
  if (!ok) return null;
  return { kind: key, args: args!, returns: returns! };
}

function readOption(ctx: ParseContext, node: unknown, path: string): Alternatives | null {
  const one = readSingleton(ctx, node, path, 'a function option', FUNCTION_OPTIONS);
  if (!one) return null;
  const p = childPath(path, one.name);
  const single = (o: FunctionOption | null): Alternatives | null => (o === null ? null : [[o]]);
  switch (one.name) {
    case 'name': {
      const s = readString(ctx, one.value, p, { allowEmpty: true, what: 'a function name' });
      if (s === null) return null;
      if (s !== '' && !isGoIdentifier(s)) {
        report(ctx, one.value, p, `\`${s}\` is not a Go identifier; \`name\` takes a bare function or method name (an empty name selects function literals)`);
        return null;
      }
      return single({ kind: 'name', name: s });
    }
    case 'receiver': {
      const v = resolveNode(ctx, one.value);
      if (isScalar(v) && typeof v.value === 'boolean') return single({ kind: 'has-receiver', value: v.value });
      const type = readTypeRef(ctx, one.value, p);
      return single(type === null ? null : { kind: 'receiver', type });
    }
    case 'signature':
    case 'signature-contains':
      return single(readSignature(ctx, one.value, p, one.name));
    case 'argument-implements':
    case 'result-implements':
    case 'final-result-implements': {
      const type = readTypeRef(ctx, one.value, p);
      return single(type === null ? null : { kind: one.name, type });
    }
    case 'directive': {
      const name = readDirectiveName(ctx, one.value, p);
      return single(name === null ? null : { kind: 'directive', name });
    }
    case 'receives': {
      const type = readTypeRef(ctx, one.value, p);
      return single(type === null ? null : { kind: 'signature-contains', args: [type], returns: [] });
    }
    case 'one-of': {
      const items = readSequence(ctx, one.value, p, 'a list of function options');
      if (items === null) return null;
      if (items.length === 0) {
        report(ctx, one.value, p, '`one-of` needs at least one function option');
        return null;
      }
      const out: Alternatives = [];
      let ok = true;
      items.forEach((item, i) => {
        const alt = readOption(ctx, item, childPath(p, i));
        if (alt === null) ok = false;
        else out.push(...alt);
      });
      return ok ? out : null;
    }
    default:
      report(ctx, one.key, path, `unknown function option \`${one.name}\`${didYouMean(one.name, FUNCTION_OPTIONS)} (allowed: ${FUNCTION_OPTIONS.filter((o) => o !== 'receives').join(', ')})`);
      return null;
  }
}

export const parseFunction: JoinPointParser = (ctx, value, path, location) => {
  const p = childPath(path, 'function');
  if (isMappingNode(ctx, value)) {
    report(ctx, value, p, 'function options are a list of one-key mappings: write `- name: Foo` / `- receiver: ...` on separate lines');
    return null;
  }
  const items = readSequence(ctx, value, p, 'a list of function options');
  if (items === null) return null;
  let alternatives: Alternatives = [[]];
  let ok = true;
  items.forEach((item, i) => {
    const alt = readOption(ctx, item, childPath(p, i));
    if (alt === null) {
      ok = false;
      return;
    }
    const next: Alternatives = [];
    for (const a of alternatives) for (const b of alt) next.push([...a, ...b]);
    alternatives = next;
  });
  if (!ok) return null;
  if (alternatives.length > MAX_ALTERNATIVES) {
    report(ctx, value, p, `nested \`one-of\` options expand to ${alternatives.length} alternatives (more than ${MAX_ALTERNATIVES}); use a top-level \`one-of\` of join points instead`);
    return null;
  }
  const fns: JoinPointSpec[] = alternatives.map((options) => ({ kind: 'function', options, location }));
  if (fns.length === 1) return fns[0]!;
  return { kind: 'one-of', of: fns, location };
};
