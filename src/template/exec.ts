// Executes a parsed template tree against JS data with Go's text/template semantics. One State
// per execution; output is appended to a string (V8 ropes keep that cheap) and loop control is
// returned as a signal rather than thrown, so the hot path allocates little.
import { BUILTINS, type TemplateFunc } from './builtins.js';
import { TemplateError } from './errors.js';
import { formatValue } from './fmt.js';
import { columnOf } from './lex.js';
import type { ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, Node, PipeNode, TemplateCallNode, VariableNode } from './parse.js';
import { lineOf } from './parse.js';
import { GoFloat, isPlainObject, isTrue, kindOf, lookupMember, sortedKeys, mapGet, typeName } from './value.js';

/** Marks "no value piped in" (Go's missingVal), which differs from a piped-in undefined. */
const NO_FINAL: unique symbol = Symbol('no final');
type Final = unknown;

const enum Signal {
  None = 0,
  Break = 1,
  Continue = 2,
}

/** Deep enough for real recursion through `template`, shallow enough for the JS stack. */
const MAX_DEPTH = 1000;

export interface ExecContext {
  src: string;
  /** Name used in `template: <name>:line:col` locations (the parsed source's name). */
  parseName: string;
  defined: ReadonlyMap<string, Node[]>;
  /** Function lookup: execute-time funcs, then parse-time funcs. Builtins come after. */
  lookupFunc(name: string): TemplateFunc | undefined;
}

type Span = { pos: number; start?: number; end: number };

interface Var {
  name: string;
  value: unknown;
  /** Holds a range element: Go types it interface {} (see evalFieldChain). */
  iface?: boolean;
}

export function execute(ctx: ExecContext, root: Node[], name: string, data: unknown): string {
  const s = new State(ctx, name, data);
  s.walkList(data, root);
  return s.out;
}

class State {
  out = '';
  private vars: Var[];
  private depth = 0;
  /** The node being evaluated, for the `at <...>` part of errors. */
  private node: Span | null = null;
  /** Dot is a range element, which Go types interface {} rather than its dynamic type. */
  private dotIface = false;

  constructor(
    private readonly ctx: ExecContext,
    private tmplName: string,
    data: unknown,
  ) {
    this.vars = [{ name: '$', value: data }];
  }

  // ---- errors

  private errorf(msg: string, cause?: unknown): never {
    const n = this.node;
    const name = this.tmplName;
    if (n === null) {
      throw new TemplateError(`template: ${name}: ${msg}`, { templateName: name, templateLine: 1, templateColumn: 0 }, { cause });
    }
    const line = lineOf(this.ctx.src, n.pos);
    const col = columnOf(this.ctx.src, n.pos);
    let context = this.ctx.src.slice(n.start ?? n.pos, n.end).trim();
    if (context.length > 20) context = context.slice(0, 20) + '...';
    throw new TemplateError(
      `template: ${this.ctx.parseName}:${line}:${col}: executing ${JSON.stringify(name)} at <${context}>: ${msg}`,
      { templateName: name, templateLine: line, templateColumn: col },
      { cause },
    );
  }

  // ---- walking

  walkList(dot: unknown, list: Node[]): Signal {
    for (let i = 0; i < list.length; i++) {
      const sig = this.walk(dot, list[i]!);
      if (sig !== Signal.None) return sig;
    }
    return Signal.None;
  }

  private walk(dot: unknown, node: Node): Signal {
    switch (node.type) {
      case 'text':
        this.out += node.text;
        return Signal.None;
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node.pipe, v);
        return Signal.None;
      }
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        this.walkTemplate(dot, node);
        return Signal.None;
      case 'break':
        return Signal.Break;
      case 'continue':
        return Signal.Continue;
    }
  }

  private printValue(at: PipeNode, v: unknown): void {
    if (typeof v === 'string') {
      this.out += v;
      return;
    }
    if (v === undefined || v === null) {
      this.out += '<no value>';
      return;
    }
    if (typeof v === 'function') {
      this.node = at;
      this.errorf(`can't print ${this.ctx.src.slice(at.pos, at.end).trim()} of type ${typeName(v)}`);
    }
    try {
      this.out += formatValue(v);
    } catch (err) {
      this.node = at;
      this.errorf(`error printing value: ${messageOf(err)}`, err);
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): Signal {
    const mark = this.vars.length;
    const val = this.evalPipeline(dot, node.pipe);
    let sig = Signal.None;
    if (isTrue(val)) {
      if (node.type === 'with') {
        const savedIface = this.dotIface;
        this.dotIface = false;
        sig = this.walkList(val, node.list);
        this.dotIface = savedIface;
      } else sig = this.walkList(dot, node.list);
    } else if (node.elseList !== null) sig = this.walkList(dot, node.elseList);
    this.vars.length = mark;
    return sig;
  }

  private walkRange(dot: unknown, node: BranchNode): Signal {
    const mark = this.vars.length;
    const val = this.evalPipeline(dot, node.pipe);
    const decl = node.pipe.decl;
    const inner = this.vars.length;
    let ran = false;
    const savedIface = this.dotIface;
    let elemIface = false;
    // One iteration; returns true when the loop must stop ({{break}}).
    const one = (index: unknown, elem: unknown): boolean => {
      ran = true;
      if (decl.length > 0) {
        if (node.pipe.isAssign) this.setVar(decl[0]!.idents[0]!, decl.length > 1 ? index : elem);
        else {
          const v = this.vars[this.vars.length - 1]!;
          v.value = elem;
          v.iface = elemIface;
        }
      }
      if (decl.length > 1) {
        if (node.pipe.isAssign) this.setVar(decl[1]!.idents[0]!, elem);
        else this.vars[this.vars.length - 2]!.value = index;
      }
      this.dotIface = elemIface;
      const sig = this.walkList(elem, node.list);
      this.dotIface = savedIface;
      this.vars.length = inner;
      return sig === Signal.Break;
    };
    switch (kindOf(val)) {
      case 'int': {
        if (decl.length > 1) {
          this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
        }
        const n = Number(val);
        for (let i = 0; i < n; i++) if (one(undefined, i)) break;
        break;
      }
      case 'slice': {
        elemIface = true;
        const arr = val as unknown[];
        for (let i = 0; i < arr.length; i++) if (one(i, arr[i])) break;
        break;
      }
      case 'map': {
        elemIface = true;
        const m = val as object;
        for (const k of sortedKeys(m)) if (one(k, mapGet(m, k))) break;
        break;
      }
      case 'invalid':
      case 'nil':
        break;
      default: {
        // A Set or other iterable object ranges like a slice.
        if (kindOf(val) === 'struct' && typeof (val as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
          let i = 0;
          for (const e of val as Iterable<unknown>) if (one(i++, e)) break;
          break;
        }
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
    }
    if (!ran && node.elseList !== null) this.walkList(dot, node.elseList);
    this.vars.length = mark;
    return Signal.None;
  }

  private walkTemplate(dot: unknown, node: TemplateCallNode): void {
    this.node = node;
    const list = this.ctx.defined.get(node.name);
    if (list === undefined) this.errorf(`template ${JSON.stringify(node.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = node.pipe === null ? undefined : this.evalPipeline(dot, node.pipe);
    const savedVars = this.vars;
    const savedName = this.tmplName;
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = node.name;
    const savedIface = this.dotIface;
    this.dotIface = false;
    this.depth++;
    this.walkList(newDot, list);
    this.depth--;
    this.dotIface = savedIface;
    this.vars = savedVars;
    this.tmplName = savedName;
  }

  // ---- variables

  private varValue(name: string): unknown {
    return this.lookupVar(name).value;
  }

  private lookupVar(name: string): Var {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!;
    return this.errorf(`undefined variable: ${name}`);
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        this.vars[i]!.iface = false;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- evaluation

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.node = pipe;
    // Dot cannot change inside one pipeline, so arguments of calls read it from here.
    this.currentDot = dot;
    let value: unknown = undefined;
    let final: Final = NO_FINAL;
    for (let i = 0; i < pipe.cmds.length; i++) {
      value = this.evalCommand(dot, pipe.cmds[i]!, final);
      final = value;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.idents[0]!, value);
      else this.vars.push({ name: v.idents[0]!, value });
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd.args, final, cmd);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'literal':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
    }
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) {
      const a = args[0]!;
      let text = this.ctx.src.slice(a.start ?? a.pos, a.end);
      if (a.type === 'pipe') text = text.slice(1, -1).trim();
      this.errorf(`can't give argument to non-function ${text}`);
    }
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: ArgNode[], final: Final): unknown {
    this.node = field;
    return this.evalFieldChain(dot, field.idents, 0, args, final, false, this.dotIface);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: ArgNode[], final: Final): unknown {
    this.node = chain;
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${this.ctx.src.slice(chain.pos, chain.end)}`);
    // Go leaves the error position at the last node evaluated inside the receiver.
    const receiver = this.evalArg(dot, chain.node);
    return this.evalFieldChain(receiver, chain.idents, 0, args, final);
  }

  private evalVariableNode(v: VariableNode, args: ArgNode[], final: Final): unknown {
    this.node = v;
    const found = this.lookupVar(v.idents[0]!);
    if (v.idents.length === 1) {
      this.notAFunction(args, final);
      return found.value;
    }
    return this.evalFieldChain(found.value, v.idents, 1, args, final, false, found.iface === true);
  }

  private evalFieldChain(receiver: unknown, idents: string[], from: number, args: ArgNode[], final: Final, raw = false, iface = false): unknown {
    const n = idents.length;
    const at = this.node;
    // A value read out of a map or slice has Go's static type interface {}: a nil there is a
    // nil interface (an error to dereference), elsewhere a missing value.
    let fromMap = iface;
    for (let i = from; i < n - 1; i++) {
      const isMap = kindOf(receiver) === 'map';
      receiver = this.evalField(receiver, idents[i]!, null, NO_FINAL, at, fromMap);
      fromMap = isMap;
    }
    if (raw) return this.rawField(receiver, idents[n - 1]!);
    return this.evalField(receiver, idents[n - 1]!, args, final, at, fromMap);
  }

  /** A property read without calling it: `call .F` needs the function itself. */
  private rawField(receiver: unknown, name: string): unknown {
    if (receiver === null || receiver === undefined) return undefined;
    if (receiver instanceof Map) return receiver.get(name);
    if (typeof receiver !== 'object') return this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
    if (isPlainObject(receiver)) return Object.hasOwn(receiver, name) ? (receiver as Record<string, unknown>)[name] : undefined;
    const m = lookupMember(receiver, name);
    if (!m.found) return this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
    return typeof m.value === 'function' ? (m.value as (...a: unknown[]) => unknown).bind(receiver) : m.value;
  }

  /** The callee of `call`: a field or variable chain is read, not invoked. */
  private evalCallee(dot: unknown, n: ArgNode): unknown {
    this.node = n;
    if (n.type === 'field') return this.evalFieldChain(dot, n.idents, 0, [n], NO_FINAL, true);
    if (n.type === 'variable' && n.idents.length > 1) return this.evalFieldChain(this.varValue(n.idents[0]!), n.idents, 1, [n], NO_FINAL, true);
    if (n.type === 'chain') return this.evalFieldChain(this.evalArg(dot, n.node), n.idents, 0, [n], NO_FINAL, true);
    return this.evalArg(dot, n);
  }

  /** `.name` on receiver; `args` (with args[0] the field node itself) go to a method call. */
  private evalField(receiver: unknown, name: string, args: ArgNode[] | null, final: Final, at: Span | null, fromMap: boolean): unknown {
    if (receiver === undefined || (receiver === null && !fromMap)) return undefined;
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = (args !== null && args.length > 1) || final !== NO_FINAL;
    if (typeof receiver === 'object') {
      if (receiver instanceof Map) {
        if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
        return receiver.get(name);
      }
      if (isPlainObject(receiver)) {
        if (!Object.hasOwn(receiver, name)) {
          if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
          return undefined;
        }
        const v = (receiver as Record<string, unknown>)[name];
        if (typeof v === 'function') return this.callMethod(receiver, v as TemplateFunc, name, args, final, at);
        if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
        return v;
      }
      let m: { found: boolean; value: unknown };
      try {
        m = lookupMember(receiver, name);
      } catch (err) {
        // A throwing getter is a failing method call.
        this.node = at;
        return this.errorf(`error calling ${name}: ${messageOf(err)}`, err);
      }
      if (m.found) {
        if (typeof m.value === 'function') return this.callMethod(receiver, m.value as TemplateFunc, name, args, final, at);
        if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
        return m.value;
      }
    }
    return this.errorf(`can't evaluate field ${name} in type ${fromMap ? 'interface {}' : typeName(receiver)}`);
  }

  private callMethod(receiver: object, fn: TemplateFunc, name: string, args: ArgNode[] | null, final: Final, at: Span | null): unknown {
    const argv = this.evalArgs(args, final, true);
    try {
      return (fn as (...a: unknown[]) => unknown).apply(receiver, argv);
    } catch (err) {
      this.node = at;
      return this.errorf(`error calling ${name}: ${messageOf(err)}`, err);
    }
  }

  private evalArgs(args: ArgNode[] | null, final: Final, nilMissing: boolean): unknown[] {
    const dot = this.currentDot;
    const argv: unknown[] = [];
    const at = this.node;
    if (args !== null) {
      for (let i = 1; i < args.length; i++) {
        const v = this.evalArg(dot, args[i]!);
        argv.push(nilMissing ? toCallArg(v) : v);
      }
    }
    if (final !== NO_FINAL) argv.push(nilMissing ? toCallArg(final) : final);
    this.node = at;
    return argv;
  }

  /** Dot of the command being evaluated, for evaluating a call's arguments. */
  private currentDot: unknown = undefined;

  /** `cmd` is what Go quotes in `error calling` messages: the whole command. */
  private evalFunction(dot: unknown, ident: IdentifierNode, args: ArgNode[], final: Final, cmd: Span): unknown {
    this.node = ident;
    const name = ident.name;
    // Caller functions win over builtins, as in Go's FuncMap.
    const user = this.ctx.lookupFunc(name);
    if (user !== undefined) {
      const argv = this.evalArgs(args, final, true);
      this.node = ident;
      try {
        return (user as (...a: unknown[]) => unknown)(...argv);
      } catch (err) {
        this.node = cmd;
        return this.errorf(`error calling ${name}: ${messageOf(err)}`, err);
      }
    }
    if (name === 'and' || name === 'or') return this.evalAndOr(dot, ident, args, final);
    if (name === 'call') return this.evalCallBuiltin(args, final, cmd);
    const b = BUILTINS.get(name);
    if (b === undefined) return this.errorf(`${JSON.stringify(name)} is not a defined function`);
    const n = args.length - 1 + (final !== NO_FINAL ? 1 : 0);
    if (b.max >= 0 && n !== b.max) this.errorf(`wrong number of args for ${name}: want ${b.max} got ${n}`);
    if (n < b.min) this.errorf(`wrong number of args for ${name}: want at least ${b.min} got ${n}`);
    // printf's format is a typed parameter: Go rejects a non-string while evaluating arguments.
    if (name === 'printf' && args.length > 1 && args[1]!.type === 'literal' && typeof args[1]!.value !== 'string') {
      this.node = args[1]!;
      this.errorf(`expected string; found ${this.ctx.src.slice(args[1]!.pos, args[1]!.end)}`);
    }
    const argv = this.evalArgs(args, final, false);
    if (name === 'printf' && typeof argv[0] !== 'string') {
      this.node = args.length > 1 ? args[1]! : ident;
      this.errorf(argv[0] === undefined || argv[0] === null ? 'invalid value; expected string' : `wrong type for value; expected string; got ${typeName(argv[0])}`);
    }
    this.node = ident;
    try {
      return b.fn(argv);
    } catch (err) {
      this.node = cmd;
      return this.errorf(`error calling ${name}: ${messageOf(err)}`, err);
    }
  }

  private evalAndOr(dot: unknown, ident: IdentifierNode, args: ArgNode[], final: Final): unknown {
    const name = ident.name;
    const n = args.length - 1 + (final !== NO_FINAL ? 1 : 0);
    if (n < 1) this.errorf(`wrong number of args for ${name}: want at least 1 got ${n}`);
    const wantTrue = name === 'or';
    let v: unknown = undefined;
    for (let i = 1; i < args.length; i++) {
      v = this.evalArg(dot, args[i]!);
      if (isTrue(v) === wantTrue) return v;
    }
    return final !== NO_FINAL ? final : v;
  }

  private evalCallBuiltin(args: ArgNode[], final: Final, cmd: Span): unknown {
    const n = args.length - 1 + (final !== NO_FINAL ? 1 : 0);
    if (n < 1) this.errorf(`wrong number of args for call: want at least 1 got ${n}`);
    const dot = this.currentDot;
    const argv: unknown[] = [];
    for (let i = 1; i < args.length; i++) argv.push(i === 1 ? this.evalCallee(dot, args[i]!) : this.evalArg(dot, args[i]!));
    if (final !== NO_FINAL) argv.push(final);
    const fn = argv[0];
    const calleeNode = args.length > 1 ? args[1]! : null;
    const callee = calleeNode !== null ? this.ctx.src.slice(calleeNode.start ?? calleeNode.pos, calleeNode.end) : formatValue(fn);
    this.node = cmd;
    if (fn === undefined || fn === null) this.errorf('error calling call: call of nil');
    if (typeof fn !== 'function') this.errorf(`error calling call: non-function ${callee} of type ${typeName(fn)}`);
    try {
      return (fn as (...a: unknown[]) => unknown)(...argv.slice(1).map(toCallArg));
    } catch (err) {
      this.node = cmd;
      return this.errorf(`error calling call: ${messageOf(err)}`, err);
    }
  }

  private evalArg(dot: unknown, n: ArgNode): unknown {
    this.node = n;
    switch (n.type) {
      case 'dot':
        return dot;
      case 'nil':
        // An untyped nil argument is Go's invalid value, like a missing one.
        return undefined;
      case 'field':
        return this.evalFieldNode(dot, n, [n], NO_FINAL);
      case 'variable':
        return this.evalVariableNode(n, [n], NO_FINAL);
      case 'pipe':
        return this.evalPipeline(dot, n);
      case 'identifier':
        return this.evalFunction(dot, n, [n], NO_FINAL, n);
      case 'chain':
        return this.evalChainNode(dot, n, [n], NO_FINAL);
      case 'literal':
        return n.value;
    }
  }
}

/** What a caller-supplied function receives: nil for a missing value, plain numbers for floats. */
function toCallArg(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof GoFloat) return v.value;
  return v;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
