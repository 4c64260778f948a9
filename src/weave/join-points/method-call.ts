// `method-call: {receiver, name, match}`: `x.Name(...)` where x has the receiver type. From the
// syntax alone the receiver's type is known when x is declared in sight with an explicit type: a
// parameter or method receiver, `var x T`, or `x := T{...}` / `x := &T{...}`. Otherwise the type
// oracle is asked for the type of x (see type-facts.ts); without an answer the call is
// undecidable and fails with E_UNSUPPORTED instead of guessing.
import type { QualifiedName } from '../../config/types.js';
import { resolveQualifier } from '../imports.js';
import { signatureOf } from '../functions.js';
import { needle } from '../needles.js';
import { childByField, childrenByField, FUNCTION_TYPES, namedChildren, type SyntaxNode } from '../syntax.js';
import { typeQuestion, undecidableError } from '../type-facts.js';
import { namedTypeOf } from '../types.js';
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
      for (const s of n.children) {
        if (s === prev || s.start >= prev.start) break;
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
            if (!childrenByField(spec, 'name').some((c) => file.slice(c) === name)) continue;
            const t = childByField(spec, 'type');
            return (t && typeNodeInfo(t, ctx)) ?? 'unknown';
          }
        }
      }
    }
  }
  return 'unknown';
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
    // A standard-library package cannot reach a type of a module's package: provably no match.
    if (known === 'unknown' && ctx.pkg.std === true && wantBase.path.split('/')[0]!.includes('.')) return false;
    if (known === 'unknown') {
      const hint = 'declare the receiver with an explicit type in sight of the call, or match with function-call / function instead';
      const what = `method-call ${want.text}.${spec.name} on \`${ctx.file.slice(operand)}\``;
      const oracle = ctx.types.oracle;
      if (oracle === undefined) throw undecidableError(what, 'its type is not written in the source and no type information is available here', { aspect: ctx.aspect.id, file: ctx.file, node, hint });
      const asked = oracle.ask(typeQuestion(ctx.file, operand));
      if (asked.state === 'pending') return false;
      if (asked.state === 'undecidable') throw undecidableError(what, asked.reason, { aspect: ctx.aspect.id, file: ctx.file, node, hint });
      const a = asked.answer;
      known = a.named !== undefined ? { type: a.named, pointer: a.pointer === true } : null;
    }
    if (!known || known.type.name !== wantBase.name || known.type.path !== wantBase.path) return false;
    if (spec.match === 'pointer-only') return known.pointer;
    if (spec.match === 'value-only') return !known.pointer;
    return wantPointer || !known.pointer || spec.match === 'any';
  },
};
