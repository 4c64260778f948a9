// The config fingerprint: sha256 over a canonical serialisation of the aspect model. Source
// locations are left out and object keys sorted, so reformatting, comments, key order, anchors
// and splitting a file with `extends` leave it unchanged; any change to what is woven (and the
// schema version below) changes it. Aspect and advice order are kept: they decide weaving order.
import { createHash } from 'node:crypto';
import type { AdviceSpec, ResolvedAspect } from './types.js';

/** Bump when the meaning of the resolved model changes, so old build caches are not reused. */
export const CONFIG_SCHEMA_VERSION = 1;

function canonicalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalise);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === 'location') continue;
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      out[key] = canonicalise(v);
    }
    return out;
  }
  return value;
}

/** The canonical text that is hashed (exported for tests and `weft explain`). */
export function canonicalAspectText(aspects: readonly ResolvedAspect[]): string {
  return JSON.stringify({ schema: `weft-config/${CONFIG_SCHEMA_VERSION}`, aspects: canonicalise(aspects) });
}

export function fingerprintAspects(aspects: readonly ResolvedAspect[]): string {
  return createHash('sha256').update(canonicalAspectText(aspects)).digest('hex');
}

/** Every import path advice may add to a package, sorted and unique. */
export function collectInjectedPackages(aspects: readonly ResolvedAspect[]): string[] {
  const set = new Set<string>();
  const addTemplate = (t: { imports: Readonly<Record<string, string>> }) => {
    for (const p of Object.values(t.imports)) set.add(p);
  };
  const visit = (a: AdviceSpec) => {
    switch (a.kind) {
      case 'prepend-statements':
      case 'wrap-expression':
      case 'assign-value':
        addTemplate(a.template);
        break;
      case 'inject-declarations':
        addTemplate(a.template);
        for (const l of a.links) set.add(l);
        break;
      case 'append-args':
        for (const v of a.values) addTemplate(v);
        break;
      case 'add-blank-import':
        set.add(a.path);
        break;
      case 'replace-function':
        set.add(a.with.path);
        break;
      case 'add-struct-field':
        // The field's type may name a package the file does not import yet.
        for (const p of typePackages(a.type)) set.add(p);
        break;
    }
  };
  for (const aspect of aspects) for (const adv of aspect.advice) visit(adv);
  return [...set].sort();
}

function typePackages(t: import('./types.js').TypeRef): string[] {
  switch (t.kind) {
    case 'named':
      return [...(t.path === '' ? [] : [t.path]), ...(t.typeArgs ?? []).flatMap(typePackages)];
    case 'pointer':
    case 'slice':
    case 'array':
    case 'chan':
    case 'variadic':
      return typePackages(t.elem);
    case 'map':
      return [...typePackages(t.key), ...typePackages(t.value)];
    case 'other':
      return [];
  }
}
