// Advice templates: parsed once per thread and source, executed with the weaver's context, and
// post-processed so names bound by the advice's `imports:` map refer to the aliases the weaver
// chose for the file.
import { createRequire } from 'node:module';
import type { TemplateSpec } from '../config/types.js';
import { WeftError } from '../errors.js';
import { parseTemplate, type Template } from '../template/index.js';

const cache = new Map<string, Template>();

let weftVersion: string | null = null;

/** weft's version, for the `Version` template function. */
export function getWeftVersion(): string {
  if (weftVersion === null) {
    try {
      weftVersion = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
    } catch {
      weftVersion = '0.0.0';
    }
  }
  return weftVersion;
}

export function templateFuncs(): Record<string, (...args: unknown[]) => unknown> {
  return { Version: () => getWeftVersion() };
}

/**
 * For loadConfig's `checkTemplate`: parses the template as the weaver will (same functions), so
 * every template error is a config problem reported before the go command starts.
 */
export function checkTemplateSpec(spec: TemplateSpec): string | null {
  try {
    compileTemplate(spec, '');
    return null;
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    return `advice template does not parse: ${cause instanceof Error ? cause.message : (e as Error).message}`;
  }
}

export function compileTemplate(spec: TemplateSpec, aspect: string): Template {
  let t = cache.get(spec.source);
  if (!t) {
    try {
      t = parseTemplate(spec.source, { name: `${spec.location.path}`, funcs: templateFuncs() });
    } catch (e) {
      throw new WeftError('E_TEMPLATE', `advice template does not parse: ${(e as Error).message}`, {
        aspect,
        location: { file: spec.location.file, line: spec.location.line },
        cause: e,
      });
    }
    cache.set(spec.source, t);
  }
  return t;
}

/**
 * Replaces package qualifiers `name.` in generated Go text (outside strings and comments) with
 * the file's alias for the import bound to `name`; an empty alias (the package itself) drops
 * the qualifier.
 */
export function rewriteQualifiers(text: string, names: ReadonlySet<string>, aliasOf: (name: string) => string): string {
  if (names.size === 0) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  let prevSignificant = '';
  while (i < n) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (c !== '`' && text[j] === '\\') j++;
        if (c !== '`' && text[j] === '\n') break;
        j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      prevSignificant = c;
      continue;
    }
    if (/[\p{L}_]/u.test(c)) {
      let j = i + 1;
      while (j < n && /[\p{L}\p{Nd}_]/u.test(text[j]!)) j++;
      const word = text.slice(i, j);
      let k = j;
      while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
      if (names.has(word) && text[k] === '.' && prevSignificant !== '.') {
        const alias = aliasOf(word);
        if (alias === '') {
          i = k + 1;
          continue;
        }
        out += alias;
      } else out += word;
      prevSignificant = 'a';
      i = j;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') prevSignificant = c;
    out += c;
    i++;
  }
  return out;
}

/** Compares `go1.N[.M]` language versions; '' sorts first. */
export function compareLang(a: string, b: string): number {
  const parse = (v: string): number[] => (v.match(/\d+/g) ?? []).map(Number);
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
