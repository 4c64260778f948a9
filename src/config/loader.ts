// Reads an orchestrion-schema aspect file and everything it `extends`, validates every field,
// and builds the ResolvedConfig. The document shape follows orchestrion's loader and schema:
// a mapping with `meta: {name, description[, icon, caveats]}` (required), `extends: [relative
// files]` and `aspects: [{id, join-point, advice[, tracer-internal]}]`; at least one of aspects /
// extends. A bare list of aspects is rejected (orchestrion rejects it too). Aspects of extended
// files come before the including file's own, in `extends` order, as in orchestrion; a file
// reached twice is loaded once, and a file reached again while it is being loaded is a cycle.
// otelc rule files (dialects/otelc.ts) are recognised by name or shape, also through extends.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { WeftError } from '../errors.js';
import type { AdviceSpec, ResolvedAspect, ResolvedConfig, SourceLocation, TemplateSpec } from './types.js';
import type { Problem } from './problems.js';
import { problemsError } from './problems.js';
import type { ParseContext } from './yaml-access.js';
import {
  checkKeys, childPath, isSequenceNode, locationOf, readBoolean, readMapping, readSequence, readString, report,
} from './yaml-access.js';
import { parseAdviceNode, parseJoinPointNode } from './registry.js';
import { collectInjectedPackages, fingerprintAspects } from './fingerprint.js';
import { isOtelcFileName, looksLikeOtelc, parseOtelcRules } from './dialects/otelc.js';

const TOP_KEYS = ['meta', 'extends', 'aspects'];
const META_KEYS = ['name', 'description', 'icon', 'caveats'];
const ASPECT_KEYS = ['id', 'join-point', 'advice', 'tracer-internal'];

interface LoadState {
  readonly problems: Problem[];
  readonly files: string[];
  /** Files fully loaded or being loaded: each is read once. */
  readonly seen: Set<string>;
}

function osReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e && typeof e.message === 'string' ? e.message : String(err);
}

async function readText(file: string, from: SourceLocation | null): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const where = from ? ` (extended from ${from.file}:${from.line}, ${from.path})` : '';
    throw new WeftError('E_CONFIG_READ', `cannot read config file ${file}${where}: ${osReason(err)}`, {
      hint: from ? 'extends paths are relative to the file that lists them' : 'check the path given to --config or the weft.yml beside go.mod',
      ...(from ? { location: { file: from.file, line: from.line } } : { location: { file } }),
      cause: err,
    });
  }
}

function makeContext(file: string, state: LoadState, text: string): ParseContext | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const ctx: ParseContext = {
    file,
    doc,
    lineCounter,
    problems: state.problems,
    parseJoinPoint: (node, path) => parseJoinPointNode(ctx, node, path),
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = lineCounter.linePos(e.pos[0]).line;
      const msg = e.code === 'DUPLICATE_KEY' ? `${e.message}; remove or rename the repeated key` : e.message;
      state.problems.push({ file, line, path: '', message: `YAML syntax: ${msg}` });
    }
    return null;
  }
  return ctx;
}

function readMeta(ctx: ParseContext, node: unknown): void {
  const view = readMapping(ctx, node, 'meta', 'a mapping with `name` and `description`');
  if (!view) return;
  checkKeys(ctx, view, 'meta', META_KEYS, ['name', 'description']);
  for (const key of META_KEYS) {
    const e = view.entries.get(key);
    if (e) readString(ctx, e.value, childPath('meta', key));
  }
}

function readAdviceList(ctx: ParseContext, node: unknown, path: string): AdviceSpec[] | null {
  // One advice or a list of them (orchestrion accepts both).
  const items = isSequenceNode(ctx, node) ? readSequence(ctx, node, path) : [node];
  if (items === null) return null;
  if (items.length === 0) {
    report(ctx, node, path, '`advice` needs at least one entry');
    return null;
  }
  const out: AdviceSpec[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const p = isSequenceNode(ctx, node) ? childPath(path, i) : path;
    const a = parseAdviceNode(ctx, item, p);
    if (a === null) ok = false;
    else out.push(a);
  });
  return ok ? out : null;
}

function readAspect(ctx: ParseContext, node: unknown, path: string): ResolvedAspect | null {
  const view = readMapping(ctx, node, path, 'an aspect (a mapping with `id`, `join-point` and `advice`)');
  if (!view) return null;
  let ok = checkKeys(ctx, view, path, ASPECT_KEYS, ['id', 'join-point', 'advice']);
  const i = view.entries.get('id');
  const id = i ? readString(ctx, i.value, childPath(path, 'id'), { what: 'a non-empty aspect id' }) : null;
  const jp = view.entries.get('join-point');
  const joinPoint = jp ? parseJoinPointNode(ctx, jp.value, childPath(path, 'join-point')) : null;
  const adv = view.entries.get('advice');
  const advice = adv ? readAdviceList(ctx, adv.value, childPath(path, 'advice')) : null;
  // tracer-internal is orchestrion's switch for weaving into dd-trace-go itself; weft has no such
  // exclusion, so it is checked for shape and otherwise has no effect.
  const ti = view.entries.get('tracer-internal');
  if (ti && readBoolean(ctx, ti.value, childPath(path, 'tracer-internal')) === null) ok = false;
  if (!ok || id === null || joinPoint === null || advice === null) return null;
  return { id, joinPoint, advice, location: locationOf(ctx, node, path) };
}

async function loadFile(file: string, stack: readonly string[], from: SourceLocation | null, state: LoadState): Promise<ResolvedAspect[]> {
  state.seen.add(file);
  state.files.push(file);
  const text = await readText(file, from);
  const ctx = makeContext(file, state, text);
  if (!ctx) return [];
  const root = ctx.doc.contents;
  if (root === null || root === undefined) {
    report(ctx, root, '', 'the file is empty; an aspect file is a mapping with `meta`, and `aspects` and/or `extends`');
    return [];
  }
  if (isSequenceNode(ctx, root)) {
    report(ctx, root, '', 'the document is a list; put the aspects under an `aspects:` key, next to `meta: {name, description}`');
    return [];
  }
  const top = readMapping(ctx, root, '', 'a mapping with `meta`, and `aspects` and/or `extends`');
  if (!top) return [];
  if (isOtelcFileName(file) || looksLikeOtelc(ctx, top)) return parseOtelcRules(ctx, top);
  checkKeys(ctx, top, '', TOP_KEYS, ['meta']);
  if (!top.entries.has('aspects') && !top.entries.has('extends')) {
    report(ctx, root, '', 'the file has neither `aspects` nor `extends`; add at least one of them');
  }
  const meta = top.entries.get('meta');
  if (meta) readMeta(ctx, meta.value);

  const out: ResolvedAspect[] = [];
  const ext = top.entries.get('extends');
  if (ext) {
    const items = readSequence(ctx, ext.value, 'extends', 'a list of relative file paths');
    if (items !== null && items.length === 0) report(ctx, ext.value, 'extends', '`extends` is empty; remove it or list files');
    for (const [i, item] of (items ?? []).entries()) {
      const p = childPath('extends', i);
      const rel = readString(ctx, item, p, { what: 'a relative path to a YAML file' });
      if (rel === null) continue;
      if (isAbsolute(rel)) {
        report(ctx, item, p, `\`${rel}\` is absolute; extends paths are relative to this file (e.g. \`./more.yml\`) so the configuration can move`);
        continue;
      }
      const target = resolve(dirname(file), rel);
      const here = locationOf(ctx, item, p);
      const open = [...stack, file];
      const cycleStart = open.indexOf(target);
      if (cycleStart >= 0) {
        const chain = [...open.slice(cycleStart), target];
        report(ctx, item, p, `extends cycle: ${chain.join(' → ')}; remove one of these extends`);
        continue;
      }
      if (state.seen.has(target)) continue; // already loaded through another extends
      let isDir = false;
      try {
        isDir = (await stat(target)).isDirectory();
      } catch {
        // readText reports the OS reason.
      }
      if (isDir) {
        report(ctx, item, p, `\`${rel}\` is a directory; weft extends YAML files only (Go package configurations are not supported), name the .yml file`);
        continue;
      }
      out.push(...(await loadFile(target, [...stack, file], here, state)));
    }
  }

  const asp = top.entries.get('aspects');
  if (asp) {
    const items = readSequence(ctx, asp.value, 'aspects', 'a list of aspects');
    if (items !== null && items.length === 0) report(ctx, asp.value, 'aspects', '`aspects` is empty; add an aspect or remove the key');
    for (const [i, item] of (items ?? []).entries()) {
      const a = readAspect(ctx, item, childPath('aspects', i));
      if (a) out.push(a);
    }
  }
  return out;
}

function checkDuplicateIds(aspects: readonly ResolvedAspect[], problems: Problem[]): void {
  const first = new Map<string, SourceLocation>();
  for (const a of aspects) {
    const prev = first.get(a.id);
    if (prev) {
      problems.push({
        file: a.location.file,
        line: a.location.line,
        path: `${a.location.path}.id`,
        message: `duplicate aspect id \`${a.id}\`, first defined at ${prev.file}:${prev.line}; aspect ids must be unique across all loaded files`,
      });
    } else first.set(a.id, a.location);
  }
}

export interface LoadOptions {
  /**
   * Checks one advice template's text (src/config does not know template syntax: the caller
   * passes the parser the weaver will use). Returns null when it parses, else what is wrong;
   * reported with the other problems, so a broken template is found before any build starts.
   */
  checkTemplate?: (spec: TemplateSpec, aspect: string) => string | null;
}

/** Every code template of an advice, in declaration order. */
export function templatesOf(advice: AdviceSpec): TemplateSpec[] {
  switch (advice.kind) {
    case 'prepend-statements':
    case 'wrap-expression':
    case 'inject-declarations':
    case 'assign-value':
      return [advice.template];
    case 'append-args':
      return [...advice.values];
    default:
      return [];
  }
}

function checkTemplates(aspects: readonly ResolvedAspect[], check: NonNullable<LoadOptions['checkTemplate']>, problems: Problem[]): void {
  for (const a of aspects) {
    for (const adv of a.advice) {
      for (const t of templatesOf(adv)) {
        const bad = check(t, a.id);
        if (bad !== null) problems.push({ file: t.location.file, line: t.location.line, path: t.location.path, message: `aspect \`${a.id}\`: ${bad}` });
      }
    }
  }
}

/** Loads and validates `file` and everything it extends. Throws E_CONFIG_READ or E_CONFIG_INVALID. */
export async function loadConfigFile(file: string, opts: LoadOptions = {}): Promise<ResolvedConfig> {
  const root = resolve(file);
  const state: LoadState = { problems: [], files: [], seen: new Set() };
  const aspects = await loadFile(root, [], null, state);
  checkDuplicateIds(aspects, state.problems);
  if (opts.checkTemplate !== undefined) checkTemplates(aspects, opts.checkTemplate, state.problems);
  if (state.problems.length > 0) throw problemsError(root, state.problems);
  return {
    files: state.files,
    aspects,
    injectedPackages: collectInjectedPackages(aspects),
    fingerprint: fingerprintAspects(aspects),
  };
}
