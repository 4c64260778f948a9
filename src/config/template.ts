// The code-template shape shared by most advice: `{template, imports, lang}`. Template syntax is
// the weaver's business (src/template parses it); an empty template is ours.
import type { SourceLocation, TemplateSpec } from './types.js';
import type { MappingView, ParseContext } from './yaml-access.js';
import { checkKeys, childPath, locationOf, readMapping, readString, report } from './yaml-access.js';
import { checkImportPath, isGoIdentifier, isGoVersion } from './go-syntax.js';

export const TEMPLATE_KEYS = ['template', 'imports', 'lang'] as const;

/**
 * Parses a code template from an already-read mapping. `extraKeys` are the advice's own keys
 * (`links`, `namespace`, `order`), accepted here and read by the caller.
 */
export function parseTemplateFields(
  ctx: ParseContext,
  view: MappingView,
  path: string,
  location: SourceLocation,
  extraKeys: readonly string[] = [],
): TemplateSpec | null {
  checkKeys(ctx, view, path, [...TEMPLATE_KEYS, ...extraKeys], ['template']);
  let ok = true;

  let source: string | null = null;
  const t = view.entries.get('template');
  if (t) {
    source = readString(ctx, t.value, childPath(path, 'template'), { allowEmpty: true, what: 'the template text (a string)' });
    if (source !== null && source.trim() === '') {
      report(ctx, t.value, childPath(path, 'template'), 'the template is empty; write the Go code to generate, e.g. `{{ . }}`');
      source = null;
    }
  }
  if (source === null) ok = false;

  const imports: Record<string, string> = {};
  const im = view.entries.get('imports');
  if (im) {
    const ipath = childPath(path, 'imports');
    const iview = readMapping(ctx, im.value, ipath, 'a mapping from local names to import paths');
    if (iview) {
      for (const [name, e] of iview.entries) {
        const epath = childPath(ipath, name);
        if (!isGoIdentifier(name)) {
          report(ctx, e.key, epath, `\`${name}\` is not a valid Go package name to use in the template`);
          ok = false;
        }
        const value = readString(ctx, e.value, epath, { what: 'an import path' });
        if (value === null) {
          ok = false;
          continue;
        }
        const why = checkImportPath(value);
        if (why !== null) {
          report(ctx, e.value, epath, `invalid import path ${JSON.stringify(value)}: ${why}`);
          ok = false;
          continue;
        }
        imports[name] = value;
      }
    } else ok = false;
  }

  let lang: string | null = null;
  const l = view.entries.get('lang');
  if (l) {
    const lpath = childPath(path, 'lang');
    const v = readString(ctx, l.value, lpath, { what: 'a Go version such as go1.18' });
    if (v !== null && !isGoVersion(v)) {
      report(ctx, l.value, lpath, `invalid Go version ${JSON.stringify(v)}; write it as \`go1.N\`, e.g. \`go1.18\``);
      ok = false;
    } else if (v === null) ok = false;
    else lang = v;
  }

  if (!ok || source === null) return null;
  return { source, imports, lang, location };
}

/** Reads a whole code template from a node (append-args values, wrap-expression, ...). */
export function parseTemplate(ctx: ParseContext, node: unknown, path: string, extraKeys: readonly string[] = []): TemplateSpec | null {
  const view = readMapping(ctx, node, path, 'a code template (a mapping with `template`, optional `imports` and `lang`)');
  if (!view) return null;
  return parseTemplateFields(ctx, view, path, locationOf(ctx, node, path), extraKeys);
}
