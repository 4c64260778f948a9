// The data a template sees: `{{ . }}` (the matched node, printed as its current Go source),
// `.AST.<Field>` (the node's syntax under go/ast field names), `.Function` (the enclosing
// function), `.DirectiveArgs "name"`. Node views print through String(), which renders the
// node with everything already woven into it and keeps the original text marked so it stays
// mapped to the user's lines.
import { GO_TYPE_NAME } from '../template/index.js';
import { directiveArgs, parseDirectiveArgs } from './directives.js';
import type { EditList } from './edits.js';
import { functionName, signatureOf, type Param, type Renamer } from './functions.js';
import type { SourceFile } from './source-file.js';
import { childByField, enclosingFunction, namedChildren, type SyntaxNode } from './syntax.js';
import { implementsAnswer } from './join-points/function.js';
import { parseQualifiedType } from './type-facts.js';
import { isConcreteBasic, normaliseTypeText, type TypeContext } from './types.js';
import { UndecidableError, type Undecided } from './undecided.js';
import type { TypeRef } from '../config/types.js';

export interface ContextEnv {
  file: SourceFile;
  edits: EditList;
  renamer: Renamer;
  types: TypeContext;
  aspectId: string;
}

/** A syntax node as templates see it: a struct (class instance) whose String() is its Go source. */
export class NodeView {
  [field: string]: unknown;
  String!: () => string;
}

type View = NodeView;

function render(env: ContextEnv, node: SyntaxNode): string {
  return env.edits.render(node.start, node.end);
}

function unwrap(node: SyntaxNode): SyntaxNode {
  if (node.type === 'literal_element' || node.type === 'parenthesized_type') return namedChildren(node)[0] ?? node;
  return node;
}

function list(env: ContextEnv, node: SyntaxNode | null): View[] {
  return node ? namedChildren(node).map((c) => viewOf(env, c)) : [];
}

function opt(env: ContextEnv, node: SyntaxNode | null): View | null {
  return node ? viewOf(env, node) : null;
}

/** go/ast field names → how to find them in the tree-sitter-go tree, per node type. */
function fieldsOf(env: ContextEnv, n: SyntaxNode): Record<string, () => unknown> {
  const f = (name: string): SyntaxNode | null => childByField(n, name);
  const text = (node: SyntaxNode | null): string => (node ? env.file.slice(node) : '');
  switch (n.type) {
    case 'call_expression':
      return {
        Fun: () => opt(env, f('function')),
        // A spread last argument (`xs...`) is a variadic_argument; go/ast has the plain expression and Ellipsis.
        Args: () => (f('arguments') ? namedChildren(f('arguments')!).map((c) => viewOf(env, c.type === 'variadic_argument' ? namedChildren(c)[0] ?? c : c)) : []),
        Ellipsis: () => (f('arguments') ? namedChildren(f('arguments')!).some((c) => c.type === 'variadic_argument') : false),
      };
    case 'selector_expression':
      // Name is orchestrion's addition (its #819): `.AST.Fun.Name` reads the same on `pkg.F(…)`, `x.M(…)` and `F(…)`.
      return { X: () => opt(env, f('operand')), Sel: () => opt(env, f('field')), Name: () => text(f('field')) };
    case 'composite_literal':
      return { Type: () => opt(env, f('type')), Elts: () => list(env, f('body')) };
    case 'keyed_element': {
      const [k, v] = namedChildren(n);
      return { Key: () => opt(env, k ?? null), Value: () => opt(env, v ?? null) };
    }
    case 'unary_expression':
      return { X: () => opt(env, f('operand')), Op: () => text(f('operator')) };
    case 'binary_expression':
      return { X: () => opt(env, f('left')), Y: () => opt(env, f('right')), Op: () => text(f('operator')) };
    case 'function_declaration':
    case 'method_declaration':
      return {
        Name: () => opt(env, f('name')),
        Recv: () => opt(env, f('receiver')),
        Type: () => signatureView(env, n),
        Body: () => opt(env, f('body')),
      };
    case 'func_literal':
      return { Type: () => signatureView(env, n), Body: () => opt(env, f('body')) };
    case 'block':
      return { List: () => list(env, namedChildren(n).find((c) => c.type === 'statement_list') ?? null) };
    case 'type_spec':
      return { Name: () => opt(env, f('name')), Type: () => opt(env, f('type')), TypeParams: () => opt(env, f('type_parameters')) };
    case 'struct_type':
      return { Fields: () => list(env, namedChildren(n)[0] ?? null) };
    case 'var_spec':
    case 'const_spec':
      return {
        Names: () => n.children.filter((c) => c.field === 'name').map((c) => viewOf(env, c)),
        Type: () => opt(env, f('type')),
        Values: () => list(env, f('value')),
      };
    case 'assignment_statement':
    case 'short_var_declaration':
      return { Lhs: () => list(env, f('left')), Rhs: () => list(env, f('right')), Tok: () => text(n.children.find((c) => !c.named) ?? null) };
    case 'index_expression':
      return { X: () => opt(env, f('operand')), Index: () => opt(env, f('index')) };
    case 'parenthesized_expression':
      return { X: () => opt(env, namedChildren(n)[0] ?? null) };
    case 'pointer_type':
      return { X: () => opt(env, namedChildren(n)[0] ?? null) };
    case 'return_statement':
      return { Results: () => list(env, namedChildren(n)[0] ?? null) };
    case 'go_statement':
    case 'defer_statement':
      return { Call: () => opt(env, namedChildren(n)[0] ?? null) };
    case 'qualified_type':
      return { X: () => opt(env, f('package')), Sel: () => opt(env, f('name')), Name: () => text(f('name')) };
    case 'identifier':
    case 'type_identifier':
    case 'field_identifier':
    case 'package_identifier':
      return { Name: () => env.file.slice(n) };
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'int_literal':
    case 'float_literal':
    case 'rune_literal':
      return { Value: () => env.file.slice(n) };
    default:
      return {};
  }
}

function signatureView(env: ContextEnv, fn: SyntaxNode): View {
  const params = childByField(fn, 'parameters');
  const result = childByField(fn, 'result');
  const v = new NodeView();
  v.String = () => (params ? render(env, params) : '()') + (result ? ` ${render(env, result)}` : '');
  v.Params = params ? viewOf(env, params) : null;
  v.Results = result ? viewOf(env, result) : null;
  return v;
}

// The go/ast type a view stands for, so a field the template misspells is reported as Go's
// template would report it on orchestrion's nodes (`can't evaluate field Func in type *ast.CallExpr`).
const GO_AST_TYPES: Readonly<Record<string, string>> = {
  call_expression: 'CallExpr', selector_expression: 'SelectorExpr', composite_literal: 'CompositeLit', keyed_element: 'KeyValueExpr',
  unary_expression: 'UnaryExpr', binary_expression: 'BinaryExpr', function_declaration: 'FuncDecl', method_declaration: 'FuncDecl',
  func_literal: 'FuncLit', block: 'BlockStmt', type_spec: 'TypeSpec', struct_type: 'StructType', var_spec: 'ValueSpec', const_spec: 'ValueSpec',
  assignment_statement: 'AssignStmt', short_var_declaration: 'AssignStmt', index_expression: 'IndexExpr', parenthesized_expression: 'ParenExpr',
  pointer_type: 'StarExpr', return_statement: 'ReturnStmt', go_statement: 'GoStmt', defer_statement: 'DeferStmt', qualified_type: 'SelectorExpr',
  identifier: 'Ident', type_identifier: 'Ident', field_identifier: 'Ident', package_identifier: 'Ident',
  interpreted_string_literal: 'BasicLit', raw_string_literal: 'BasicLit', int_literal: 'BasicLit', float_literal: 'BasicLit', rune_literal: 'BasicLit',
};

function goAstType(type: string): string {
  const t = GO_AST_TYPES[type];
  return t !== undefined ? `*ast.${t}` : `${type} (syntax node)`;
}

export function viewOf(env: ContextEnv, node: SyntaxNode): View {
  const n = unwrap(node);
  const view = new NodeView();
  view.String = () => render(env, n);
  Object.defineProperty(view, '__type', { value: n.type, enumerable: false });
  Object.defineProperty(view, GO_TYPE_NAME, { value: goAstType(n.type), enumerable: false });
  for (const [name, get] of Object.entries(fieldsOf(env, n))) {
    let cached: unknown;
    let done = false;
    Object.defineProperty(view, name, {
      enumerable: true,
      get: () => {
        if (!done) {
          cached = get();
          done = true;
        }
        return cached;
      },
    });
  }
  return view;
}

/** The canonical spelling of a type expression: package paths instead of file-local names. */
export function canonicalType(node: SyntaxNode, types: TypeContext): string {
  const file = types.file;
  const n = node;
  switch (n.type) {
    case 'pointer_type': {
      const e = namedChildren(n)[0];
      return e ? `*${canonicalType(e, types)}` : file.slice(n);
    }
    case 'slice_type': {
      const e = childByField(n, 'element');
      return e ? `[]${canonicalType(e, types)}` : file.slice(n);
    }
    case 'qualified_type': {
      const pkg = childByField(n, 'package');
      const name = childByField(n, 'name');
      if (!pkg || !name) return file.slice(n);
      const path = file.imports.byName.get(file.slice(pkg)) ?? file.slice(pkg);
      return `${path}.${file.slice(name)}`;
    }
    case 'parenthesized_type': {
      const e = namedChildren(n)[0];
      return e ? canonicalType(e, types) : file.slice(n);
    }
    default:
      return normaliseTypeText(file.slice(n));
  }
}

function sameType(param: Param, want: string, env: ContextEnv): boolean {
  const w = normaliseTypeText(want);
  const canon = canonicalType(param.type, env.types);
  const written = normaliseTypeText(env.file.slice(param.type));
  const variadicPrefix = param.variadic ? '...' : '';
  if (variadicPrefix + canon === w || variadicPrefix + written === w) return true;
  // A local type may be written with or without its package path.
  return variadicPrefix + canon.replace(`${env.types.importPath}.`, '') === w.replace(`${env.types.importPath}.`, '');
}

export class FunctionView {
  constructor(private readonly env: ContextEnv, private readonly fn: SyntaxNode) {}

  Name(): string {
    return functionName(this.env.file, this.fn);
  }

  Receiver(): string {
    if (this.fn.type !== 'method_declaration') return '';
    return this.env.renamer.nameOf(this.fn, 'receiver', 0);
  }

  Argument(n: unknown): string {
    return this.env.renamer.nameOf(this.fn, 'params', Number(n));
  }

  Result(n: unknown): string {
    return this.env.renamer.nameOf(this.fn, 'results', Number(n));
  }

  ArgumentOfType(t: unknown): string {
    const i = signatureOf(this.fn).params.findIndex((p) => sameType(p, String(t), this.env));
    return i < 0 ? '' : this.Argument(i);
  }

  ResultOfType(t: unknown): string {
    const i = signatureOf(this.fn).results.findIndex((p) => sameType(p, String(t), this.env));
    return i < 0 ? '' : this.Result(i);
  }

  ArgumentThatImplements(t: unknown): string {
    return this.implementing('params', String(t), false);
  }

  ResultThatImplements(t: unknown): string {
    return this.implementing('results', String(t), false);
  }

  LastResultThatImplements(t: unknown): string {
    return this.implementing('results', String(t), true);
  }

  /** Whether the function's last result implements the interface t (false without results). */
  FinalResultImplements(t: unknown): boolean {
    const results = signatureOf(this.fn).results;
    if (results.length === 0) return false;
    return this.implementing('results', String(t), true, results.length - 1) !== '';
  }

  /** Number of parameters / results, for templates that loop over them. */
  ArgumentCount(): number {
    return signatureOf(this.fn).params.length;
  }

  ResultCount(): number {
    return signatureOf(this.fn).results.length;
  }

  String(): string {
    return this.Name();
  }

  /** The first (or `last`) parameter or result implementing t; `only` restricts the search to that index. */
  private implementing(group: 'params' | 'results', t: string, last: boolean, only?: number): string {
    const sig = signatureOf(this.fn);
    const list = group === 'params' ? sig.params : sig.results;
    const order = list.map((p, i) => ({ p, i })).filter(({ i }) => only === undefined || i === only);
    if (last) order.reverse();
    const iface = parseQualifiedType(t);
    const ref: TypeRef = iface !== null ? { kind: 'named', path: iface.path, name: iface.name, text: t } : { kind: 'other', text: t };
    let open: Undecided | null = null;
    for (const { p, i } of order) {
      const found = (): string => (group === 'params' ? this.Argument(i) : this.Result(i));
      // An earlier candidate still undecided decides first: keep asking, to batch the questions.
      if (sameType(p, t, this.env)) {
        if (open === null) return found();
        continue;
      }
      if (p.variadic || isConcreteBasic(p.type, this.env.types)) continue;
      const expr = this.env.file.slice(p.type);
      const m = implementsAnswer(ref, p.type, this.env.types, `the template asks which ${group === 'params' ? 'argument' : 'result'} implements ${t}; whether ${expr} does needs type information`);
      if (m === true && open === null) return found();
      if (typeof m !== 'boolean') open ??= m;
    }
    if (open !== null) throw new UndecidableError(open);
    return '';
  }
}

/** The root of a template's data: `{{ . }}`, `.AST`, `.Function`, `.DirectiveArgs`. */
export class TemplateData {
  readonly AST: NodeView;
  readonly Function: FunctionView | null;

  constructor(private readonly env: ContextEnv, private readonly node: SyntaxNode) {
    const fn = enclosingFunction(node);
    this.AST = viewOf(env, node);
    this.Function = fn ? new FunctionView(env, fn) : null;
  }

  DirectiveArgs(name: unknown): DirectiveArg[] {
    for (let n: SyntaxNode | null = this.node; n; n = n.parent) {
      const args = directiveArgs(this.env.file, n, String(name));
      if (args !== null) return parseDirectiveArgs(args).map((a) => new DirectiveArg(a.Key, a.Value));
      if (n.type === 'function_declaration' || n.type === 'method_declaration' || n.type === 'source_file') break;
    }
    return [];
  }

  /** Older orchestrion spelling of `.Function.ArgumentOfType`. */
  FindArgument(t: unknown): string {
    return this.Function ? this.Function.ArgumentOfType(t) : '';
  }

  String(): string {
    return this.AST.String();
  }
}

export class DirectiveArg {
  constructor(readonly Key: string, readonly Value: string) {}
}

export function templateData(env: ContextEnv, node: SyntaxNode): TemplateData {
  return new TemplateData(env, node);
}
