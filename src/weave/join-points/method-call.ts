// `method-call: {receiver, name, match}`: `x.Name(...)` where x has the receiver type. From the
// syntax alone the receiver's type is known when x is declared in sight with an explicit type: a
// parameter or method receiver, `var x T`, or `x := T{...}` / `x := &T{...}` / `var x = &T{...}`,
// package-level ones included whatever their order. Otherwise the type
// oracle is asked for the type of x (type-facts.ts); without an answer the call is Undecided
// (src/weave/undecided.ts), except in a package that neither is nor imports the receiver type's
// package: there it is skipped quietly. That is the rule's "impossible" case as weft draws it:
// such a package can still hold a value of the type through another package's API
// (x := other.New()), but asking the oracle there would type-check every package with an
// `.Error(` call.
import type { QualifiedName } from '../../config/types.js';
import { resolveQualifier } from '../imports.js';
import { signatureOf } from '../functions.js';
import { needle } from '../needles.js';
import { childByField, childrenByField, FUNCTION_TYPES, namedChildren, type SyntaxNode } from '../syntax.js';
import { askTypes, isAnswer, typeQuestion } from '../type-facts.js';
import { namedTypeOf } from '../types.js';
import { typeOf, undecided } from '../undecided.js';
import type { JoinPointKind, MatchContext } from './types.js';

const CALL: ReadonlySet<string> = new Set(['call_expression']);

interface KnownType {
  type: QualifiedName;
  pointer: boolean;
}

function typeNodeInfo(node: SyntaxNode, ctx: MatchContext): KnownType | null {
  let n = node;
  let pointer = false;
  if (n.type === 'pointer_type') {
    const inner = namedChildren(n)[0];
    if (!inner) return null;
    n = inner;
    pointer = true;
  }
  const t = namedTypeOf(n, ctx.types);
  return t ? { type: t, pointer } : null;
}

function exprTypeInfo(expr: SyntaxNode, ctx: MatchContext): KnownType | null {
  let e = expr;
  let pointer = false;
  if (e.type === 'unary_expression' && ctx.file.text[e.start] === '&') {
    const inner = childByField(e, 'operand');
    if (!inner) return null;
    e = inner;
    pointer = true;
  }
  if (e.type === 'composite_literal') {
    const t = childByField(e, 'type');
    const info = t ? typeNodeInfo(t, ctx) : null;
    return info ? { type: info.type, pointer } : null;
  }
  return null;
}

/** The declared type of identifier `name` visible at `use`, when written out syntactically. */
function declaredType(name: string, use: SyntaxNode, ctx: MatchContext): KnownType | null | 'unknown' {
  const file = ctx.file;
  let prev = use;
  for (let n = use.parent; n; prev = n, n = n.parent) {
    if (FUNCTION_TYPES.has(n.type)) {
      const sig = signatureOf(n);
      for (const p of [...(sig.receiver ? [sig.receiver] : []), ...sig.params, ...sig.results]) {
        if (p.name && file.slice(p.name) === name) return p.variadic ? 'unknown' : typeNodeInfo(p.type, ctx) ?? 'unknown';
      }
    }
    if (n.type === 'statement_list' || n.type === 'source_file') {
      // Package-level declarations are in scope before and after the use (`var resp, err = client.Do(req)`).
      const packageScope = n.type === 'source_file';
      for (const s of n.children) {
        if (!packageScope && (s === prev || s.start >= prev.start)) break;
        if (s.type === 'short_var_declaration') {
          const left = childByField(s, 'left');
          const right = childByField(s, 'right');
          const names = left ? left.children.filter((c) => c.type === 'identifier') : [];
          const i = names.findIndex((c) => file.slice(c) === name);
          if (i >= 0) {
            const values = right ? namedChildren(right) : [];
            const v = values.length === names.length ? values[i] : undefined;
            return (v && exprTypeInfo(v, ctx)) ?? 'unknown';
          }
        }
        if (s.type === 'var_declaration') {
          const specs = s.children.flatMap((c) => (c.type === 'var_spec_list' ? c.children : [c])).filter((c) => c.type === 'var_spec');
          for (const spec of specs) {
            const names = childrenByField(spec, 'name');
            const i = names.findIndex((c) => file.slice(c) === name);
            if (i < 0) continue;
            const t = childByField(spec, 'type');
            if (t) return typeNodeInfo(t, ctx) ?? 'unknown';
            const value = childByField(spec, 'value');
            const values = value ? namedChildren(value) : [];
            const v = values.length === names.length ? values[i] : undefined;
            return (v && exprTypeInfo(v, ctx)) ?? 'unknown';
          }
        }
      }
    }
  }
  return 'unknown';
}

/**
 * False when the package can hold no value of a type from `path` that it got by its own means:
 * it neither is nor imports that package. Unknown imports (`weft weave`) fall back to the file's.
 */
function mayNameType(path: string, ctx: MatchContext): boolean {
  if (path === '' || path === ctx.pkg.importPath) return true;
  const imports = ctx.pkg.imports;
  if (imports !== undefined && imports !== null && imports.size > 0) return imports.has(path);
  return ctx.file.imports.specs.some((s) => s.path === path);
}

export const methodCallJoinPoint: JoinPointKind<'method-call'> = {
  kind: 'method-call',
  nodeTypes: () => CALL,
  needles: (spec, pkg) => {
    const name = needle(spec.name);
    const r = spec.receiver;
    const base = r && r.kind === 'pointer' ? r.elem : r;
    // The receiver's type may come from another package without the file importing it
    // (x := pkg.New()), so neither its import nor its name is required: only the method name.
    void base;
    void pkg;
    return name;
  },
  matches: (spec, node, ctx) => {
    const fn = childByField(node, 'function');
    if (!fn || fn.type !== 'selector_expression') return false;
    const operand = childByField(fn, 'operand');
    const field = childByField(fn, 'field');
    if (!operand || !field || ctx.file.slice(field) !== spec.name) return false;
    // pkg.Func(...) is a function call, not a method call.
    if (operand.type === 'identifier' && resolveQualifier(ctx.file, ctx.file.slice(operand), fn) !== null) return false;
    const want = spec.receiver;
    if (!want) return true;
    const wantPointer = want.kind === 'pointer';
    const wantBase = want.kind === 'pointer' ? want.elem : want;
    if (wantBase.kind !== 'named') return false;
    let known: KnownType | null | 'unknown' = 'unknown';
    if (operand.type === 'identifier') known = declaredType(ctx.file.slice(operand), fn, ctx);
    else if (operand.type === 'parenthesized_expression') {
      const inner = namedChildren(operand)[0];
      known = inner ? exprTypeInfo(inner, ctx) ?? 'unknown' : 'unknown';
    } else known = exprTypeInfo(operand, ctx) ?? 'unknown';
    if (known === 'unknown') {
      if (!mayNameType(wantBase.path, ctx)) return false;
      const why = undecided(`method-call ${want.text}.${spec.name}: the type of \`${ctx.file.slice(operand)}\` needs type information`, typeOf(ctx.file, operand));
      const a = askTypes(ctx.types, typeQuestion(ctx.file, operand), why);
      if (!isAnswer(a)) return a;
      known = a.named !== undefined ? { type: a.named, pointer: a.pointer === true } : null;
    }
    if (known && (known.type.name !== wantBase.name || known.type.path !== wantBase.path) && known.type.path !== '' && ctx.types.oracle !== undefined && mayNameType(wantBase.path, ctx)) {
      // The written type may still be the receiver's: an alias (type L = zap.Logger) or a
      // dot-imported name. Ask; without an answer the written type decides.
      const why = undecided(`method-call ${want.text}.${spec.name}: the type written for \`${ctx.file.slice(operand)}\` may be an alias`, typeOf(ctx.file, operand));
      const a = askTypes(ctx.types, typeQuestion(ctx.file, operand), why);
      if (a === why) return why;
      if (isAnswer(a)) known = a.named !== undefined ? { type: a.named, pointer: a.pointer === true } : null;
    }
    if (!known || known.type.name !== wantBase.name || known.type.path !== wantBase.path) return false;
    if (spec.match === 'pointer-only') return known.pointer;
    if (spec.match === 'value-only') return !known.pointer;
    return wantPointer || !known.pointer || spec.match === 'any';
  },
};
