// Typed, problem-reporting access to a parsed YAML document. Every reader resolves aliases,
// applies `<<` merge keys, and on a wrong shape records a Problem (file, line, YAML path, what
// to do) and returns null, so parsing goes on and every mistake is reported in one run.
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { AdviceSpec, JoinPointSpec, SourceLocation } from './types.js';
import type { Problem } from './problems.js';
import { didYouMean } from './problems.js';

export interface ParseContext {
  /** Absolute path of the file being parsed. */
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly problems: Problem[];
  /** Parses a nested join point (combinators, function-body); provided by the registry so kinds need not import it. */
  parseJoinPoint(node: unknown, path: string): JoinPointSpec | null;
}

export type JoinPointParser = (ctx: ParseContext, value: unknown, path: string, location: SourceLocation) => JoinPointSpec | null;
export type AdviceParser = (ctx: ParseContext, value: unknown, path: string, location: SourceLocation) => AdviceSpec | null;

/** A mapping with aliases and merge keys applied: key → (key node, value node), in source order. */
export interface MappingView {
  readonly node: unknown;
  readonly entries: ReadonlyMap<string, { readonly key: unknown; readonly value: unknown }>;
}

const MAX_ALIAS_DEPTH = 64;

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Follows aliases to the anchored node (undefined for a dangling alias, which yaml reports itself). */
export function resolveNode(ctx: ParseContext, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < MAX_ALIAS_DEPTH && isAlias(n); i++) n = n.resolve(ctx.doc);
  return n;
}

/** 1-based line of a node (of the alias itself when given one, so a problem points where the value is used). */
export function lineOf(ctx: ParseContext, node: unknown): number {
  const range = (node as { range?: [number, number, number] | null } | null | undefined)?.range;
  if (!range) return 1;
  return ctx.lineCounter.linePos(range[0]).line;
}

export function locationOf(ctx: ParseContext, node: unknown, path: string): SourceLocation {
  return { file: ctx.file, line: lineOf(ctx, node), path };
}

export function report(ctx: ParseContext, node: unknown, path: string, message: string): void {
  ctx.problems.push({ file: ctx.file, line: lineOf(ctx, node), path, message });
}

/** Describes what a node is, for "expected X, found Y" messages. */
export function describeNode(ctx: ParseContext, node: unknown): string {
  const n = resolveNode(ctx, node);
  if (isMap(n)) return 'a mapping';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null || v === undefined) return 'an empty value';
    if (typeof v === 'string') return v === '' ? 'an empty string' : `the string ${JSON.stringify(v)}`;
    if (typeof v === 'boolean') return `the boolean ${v}`;
    if (typeof v === 'number' || typeof v === 'bigint') return `the number ${String(v)}`;
    return `the value ${String(v)}`;
  }
  if (n === undefined || n === null) return 'nothing';
  return 'an unsupported YAML node';
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || (key.value === '<<' && key.type === 'PLAIN'));
}

/**
 * Reads a mapping. `what` completes "expected ___" in the problem (e.g. `a mapping with
 * template and imports`). Explicit keys win over merged ones, as YAML merge keys specify.
 */
export function readMapping(ctx: ParseContext, node: unknown, path: string, what = 'a mapping'): MappingView | null {
  const n = resolveNode(ctx, node);
  if (!isMap(n)) {
    report(ctx, node, path, `expected ${what}, found ${describeNode(ctx, node)}`);
    return null;
  }
  const entries = new Map<string, { key: unknown; value: unknown }>();
  const merged: Array<{ name: string; key: unknown; value: unknown }> = [];
  for (const pair of n.items) {
    if (isMergeKey(pair.key)) {
      const sources = resolveNode(ctx, pair.value);
      const list = isSeq(sources) ? sources.items : [pair.value];
      for (const src of list) {
        const view = readMapping(ctx, src, path, 'a mapping to merge with <<');
        if (view) for (const [name, e] of view.entries) merged.push({ name, ...e });
      }
      continue;
    }
    const key = resolveNode(ctx, pair.key);
    if (!isScalar(key) || typeof key.value !== 'string') {
      report(ctx, pair.key ?? node, path, `keys must be strings, found ${describeNode(ctx, pair.key)}`);
      continue;
    }
    // Duplicate keys are reported by the yaml parser itself (uniqueKeys); keep the first.
    if (!entries.has(key.value)) entries.set(key.value, { key: pair.key, value: pair.value });
  }
  for (const m of merged) if (!entries.has(m.name)) entries.set(m.name, { key: m.key, value: m.value });
  return { node, entries };
}

/** Reports every key not in `allowed` (with a suggestion) and every missing `required` key; true when clean. */
export function checkKeys(
  ctx: ParseContext,
  view: MappingView,
  path: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): boolean {
  let ok = true;
  for (const [name, e] of view.entries) {
    if (!allowed.includes(name)) {
      const where = path === '' ? 'the top level' : path;
      report(ctx, e.key, path, `unknown key \`${name}\` at ${where}${didYouMean(name, allowed)} (allowed: ${allowed.join(', ')})`);
      ok = false;
    }
  }
  for (const name of required) {
    if (!view.entries.has(name)) {
      report(ctx, view.node, path, `missing required key \`${name}\``);
      ok = false;
    }
  }
  return ok;
}

export interface StringOptions {
  /** Allow '' (default false: an empty string is a problem). */
  allowEmpty?: boolean;
  what?: string;
}

export function readString(ctx: ParseContext, node: unknown, path: string, opts: StringOptions = {}): string | null {
  const n = resolveNode(ctx, node);
  const what = opts.what ?? 'a string';
  if (!isScalar(n) || typeof n.value !== 'string') {
    report(ctx, node, path, `expected ${what}, found ${describeNode(ctx, node)}`);
    return null;
  }
  if (!opts.allowEmpty && n.value.trim() === '') {
    report(ctx, node, path, `expected ${what}, found an empty string`);
    return null;
  }
  return n.value;
}

export function readBoolean(ctx: ParseContext, node: unknown, path: string): boolean | null {
  const n = resolveNode(ctx, node);
  if (!isScalar(n) || typeof n.value !== 'boolean') {
    report(ctx, node, path, `expected true or false, found ${describeNode(ctx, node)}`);
    return null;
  }
  return n.value;
}

export function readInteger(ctx: ParseContext, node: unknown, path: string): number | null {
  const n = resolveNode(ctx, node);
  if (!isScalar(n) || typeof n.value !== 'number' || !Number.isSafeInteger(n.value)) {
    report(ctx, node, path, `expected an integer, found ${describeNode(ctx, node)}`);
    return null;
  }
  return n.value;
}

/** Reads a list; items are returned unresolved so problems inside point at their own lines. */
export function readSequence(ctx: ParseContext, node: unknown, path: string, what = 'a list'): unknown[] | null {
  const n = resolveNode(ctx, node);
  if (!isSeq(n)) {
    report(ctx, node, path, `expected ${what}, found ${describeNode(ctx, node)}`);
    return null;
  }
  return [...n.items];
}

export function isMappingNode(ctx: ParseContext, node: unknown): boolean {
  return isMap(resolveNode(ctx, node));
}

export function isSequenceNode(ctx: ParseContext, node: unknown): boolean {
  return isSeq(resolveNode(ctx, node));
}

/**
 * Reads a mapping that must have exactly one key (a join point or advice: `{function-call: ...}`)
 * and returns that key with its value. `kinds` is used for the did-you-mean suggestion.
 */
export function readSingleton(
  ctx: ParseContext,
  node: unknown,
  path: string,
  what: string,
  kinds: readonly string[],
): { name: string; key: unknown; value: unknown } | null {
  const view = readMapping(ctx, node, path, `${what} (a mapping with one key such as \`${kinds[0] ?? ''}\`)`);
  if (!view) return null;
  if (view.entries.size !== 1) {
    const keys = [...view.entries.keys()].map((k) => `\`${k}\``).join(', ');
    report(
      ctx,
      node,
      path,
      view.entries.size === 0
        ? `expected ${what} with exactly one key, found an empty mapping`
        : `expected ${what} with exactly one key, found ${view.entries.size}: ${keys}; combine join points with all-of / one-of, or list advice as separate entries`,
    );
    return null;
  }
  const [name, e] = [...view.entries][0]!;
  return { name, key: e.key, value: e.value };
}
