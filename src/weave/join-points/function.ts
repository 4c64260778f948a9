// `function`: a func declaration, method or literal meeting every option (name, receiver,
// signature, signature-contains, directive; the *-implements options need types and are decided
// only where the written type makes it exact).
import type { FunctionOption, TypeRef } from '../../config/types.js';
import { WeftError } from '../../errors.js';
import { directiveArgs } from '../directives.js';
import { signatureOf, type Param } from '../functions.js';
import { allOf, anyOf, importNeedle, needle, type Formula } from '../needles.js';
import { childByField, FUNCTION_TYPES, type SyntaxNode } from '../syntax.js';
import { askTypes, implementsQuestion, isAnswer } from '../type-facts.js';
import { isConcreteBasic, typeMatches, type TypeContext } from '../types.js';
import { allOfMatches, undecided, type Match, type Undecided } from '../undecided.js';
import type { JoinPointKind, MatchContext, PackageInfo } from './types.js';

const SAME_TYPE: Readonly<Record<string, string>> = { any: 'interface', byte: 'uint8', uint8: 'byte', rune: 'int32', int32: 'rune' };

export function typeRefNeedles(ref: TypeRef, pkg: PackageInfo): Formula {
  switch (ref.kind) {
    case 'named': {
      // One type, two spellings: the file may use either.
      const other = SAME_TYPE[ref.name];
      if (ref.path === '' && other !== undefined) return anyOf(needle(ref.name), needle(other));
      if (ref.path === '' || ref.path === pkg.importPath) return needle(ref.name);
      return allOf(importNeedle(ref.path), needle(ref.name));
    }
    case 'pointer':
    case 'slice':
    case 'array':
    case 'chan':
    case 'variadic':
      return typeRefNeedles(ref.elem, pkg);
    case 'map':
      return allOf(typeRefNeedles(ref.key, pkg), typeRefNeedles(ref.value, pkg));
    case 'other':
      return true;
  }
}

export function paramTypeMatches(ref: TypeRef, p: Param, ctx: TypeContext): boolean {
  if (ref.kind === 'variadic') return p.variadic && typeMatches(ref.elem, p.type, ctx);
  return !p.variadic && typeMatches(ref, p.type, ctx);
}

function listMatchesExactly(refs: readonly TypeRef[], params: Param[], ctx: TypeContext): boolean {
  return refs.length === params.length && refs.every((r, i) => paramTypeMatches(r, params[i]!, ctx));
}

/** orchestrion's signature-contains: any listed type among the parameters (or results) is enough. */
function listHasAny(refs: readonly TypeRef[], params: Param[], ctx: TypeContext): boolean {
  return refs.some((r) => params.some((p) => paramTypeMatches(r, p, ctx)));
}

/** The package a listed type comes from ('' for predeclared and composite types). */
function typePackage(ref: TypeRef): string {
  if (ref.kind === 'named') return ref.path;
  return ref.kind === 'pointer' || ref.kind === 'variadic' ? typePackage(ref.elem) : '';
}

/**
 * orchestrion decides signature-contains only in packages that import the package of every listed
 * type (its package-level pre-filter): with `{args: [context.Context], returns: [error]}` a
 * function returning an error is left alone in a package that does not import context. The
 * compile's imports decide (`weft weave` gathers them from its files); without them, the file's.
 */
function importsEveryTypePackage(refs: readonly TypeRef[], ctx: MatchContext): boolean {
  return refs.every((r) => {
    const path = typePackage(r);
    if (path === '' || path === ctx.pkg.importPath) return true;
    const imports = ctx.pkg.imports;
    if (imports !== undefined && imports !== null && imports.size > 0) return imports.has(path);
    return ctx.file.imports.specs.some((sp) => sp.path === path);
  });
}

function implementsMatch(ref: TypeRef, params: Param[], ctx: MatchContext, option: string): Match {
  let open: Undecided | null = null;
  for (const p of params) {
    if (paramTypeMatches(ref, p, ctx.types)) return true;
    // A variadic parameter is a slice, and the kinds isConcreteBasic lists implement nothing but themselves.
    if (p.variadic || isConcreteBasic(p.type, ctx.types)) continue;
    const m = implementsAnswer(ref, p.type, ctx.types, `${option} ${ref.text}: whether ${ctx.file.slice(p.type)} implements it needs type information`);
    if (m === true) return true;
    if (m !== false) open ??= m;
  }
  return open ?? false;
}

/**
 * Does the type written at `typeNode` implement the interface `ref`? The type oracle's answer,
 * else Undecided with `reason` and the question.
 */
export function implementsAnswer(ref: TypeRef, typeNode: SyntaxNode, types: TypeContext, reason: string): Match {
  const expr = types.file.slice(typeNode);
  const why = undecided(reason, { question: 'implements', start: typeNode.start, end: typeNode.end, expr, type: ref.text });
  if (ref.kind !== 'named') return why;
  const a = askTypes(types, implementsQuestion(types.file, typeNode, { path: ref.path, name: ref.name }), why);
  return isAnswer(a) ? a.implements === true : a;
}

export function optionMatches(opt: FunctionOption, fn: SyntaxNode, ctx: MatchContext): Match {
  const file = ctx.file;
  switch (opt.kind) {
    case 'name': {
      const n = childByField(fn, 'name');
      return n !== null && file.slice(n) === opt.name;
    }
    case 'receiver': {
      if (fn.type !== 'method_declaration') return false;
      const recv = signatureOf(fn).receiver;
      return recv !== null && typeMatches(opt.type, recv.type, ctx.types);
    }
    case 'signature': {
      const sig = signatureOf(fn);
      return listMatchesExactly(opt.args, sig.params, ctx.types) && listMatchesExactly(opt.returns, sig.results, ctx.types);
    }
    case 'signature-contains': {
      const sig = signatureOf(fn);
      if (!importsEveryTypePackage([...opt.args, ...opt.returns], ctx)) return false;
      return listHasAny(opt.returns, sig.results, ctx.types) || listHasAny(opt.args, sig.params, ctx.types);
    }
    case 'argument-implements':
      return implementsMatch(opt.type, signatureOf(fn).params, ctx, 'argument-implements');
    case 'result-implements':
      return implementsMatch(opt.type, signatureOf(fn).results, ctx, 'result-implements');
    case 'final-result-implements': {
      const last = signatureOf(fn).results.slice(-1);
      return implementsMatch(opt.type, last, ctx, 'final-result-implements');
    }
    case 'last-result': {
      const last = signatureOf(fn).results.slice(-1)[0];
      return last !== undefined && paramTypeMatches(opt.type, last, ctx.types);
    }
    case 'directive':
      return directiveArgs(file, fn.type === 'func_literal' ? statementOf(fn) : fn, opt.name) !== null;
    case 'has-receiver':
      return (fn.type === 'method_declaration') === opt.value;
    default: {
      const where = ctx.file.position(fn.start);
      throw new WeftError('E_UNSUPPORTED', `function option ${(opt as { kind: string }).kind} is not supported by this weaver`, { aspect: ctx.aspect.id, location: { file: where.file, line: where.line } });
    }
  }
}

/** The statement a function literal appears in (where a directive comment would sit). */
function statementOf(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent && n.parent.type !== 'statement_list' && n.parent.type !== 'source_file' && n.parent.type !== 'block') n = n.parent;
  return n;
}

function optionNeedles(opt: FunctionOption, pkg: PackageInfo): Formula {
  switch (opt.kind) {
    case 'name':
      return needle(opt.name);
    case 'receiver':
      // A method's receiver type is always declared in the package itself.
      if (opt.type.kind === 'pointer' && opt.type.elem.kind === 'named' && opt.type.elem.path !== pkg.importPath) return false;
      if (opt.type.kind === 'named' && opt.type.path !== pkg.importPath) return false;
      return allOf(needle('func'), typeRefNeedles(opt.type.kind === 'pointer' ? opt.type.elem : opt.type, { ...pkg, importPath: pkg.importPath }));
    case 'signature':
      return allOf(needle('func'), ...opt.args.map((a) => typeRefNeedles(a, pkg)), ...opt.returns.map((a) => typeRefNeedles(a, pkg)));
    case 'signature-contains':
      return allOf(needle('func'), anyOf(...[...opt.args, ...opt.returns].map((a) => typeRefNeedles(a, pkg))));
    case 'last-result':
      return allOf(needle('func'), typeRefNeedles(opt.type, pkg));
    case 'directive':
      return needle(`//${opt.name}`);
    default:
      return needle('func');
  }
}

export const functionJoinPoint: JoinPointKind<'function'> = {
  kind: 'function',
  nodeTypes: () => FUNCTION_TYPES,
  needles: (spec, pkg) => allOf(needle('func'), ...spec.options.map((o) => optionNeedles(o, pkg))),
  // Options that need type information go last, so they are only decided (or reported as
  // undecidable) for functions every syntactic option already matched.
  matches: (spec, node, ctx) => FUNCTION_TYPES.has(node.type) && allOfMatches(orderedOptions(spec.options).map((o) => () => optionMatches(o, node, ctx))),
};

const TYPE_AWARE = new Set(['argument-implements', 'result-implements', 'final-result-implements']);
const ordered = new WeakMap<readonly FunctionOption[], readonly FunctionOption[]>();

function orderedOptions(options: readonly FunctionOption[]): readonly FunctionOption[] {
  let o = ordered.get(options);
  if (!o) {
    o = [...options.filter((x) => !TYPE_AWARE.has(x.kind)), ...options.filter((x) => TYPE_AWARE.has(x.kind))];
    ordered.set(options, o);
  }
  return o;
}
