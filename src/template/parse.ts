// Parses lexed tokens into the node tree Go's text/template/parse builds, with the same checks
// at parse time: undefined variables and functions, `break`/`continue` outside `range`,
// unmatched `end`/`else`, declarations only where Go allows them, `define`/`block` bodies.
import { TemplateError } from './errors.js';
import { columnOf, countLines, lex, type Token, type TokenKind } from './lex.js';
import { quote } from './fmt.js';
import { GoFloat } from './value.js';

interface At {
  /** Offset Go reports for the node (for `a.b.c` chains: the first chained field). */
  pos: number;
  /** Where the node's text starts when that differs from pos. */
  start?: number;
  /** End offset (exclusive), for the `at <...>` context of error messages. */
  end: number;
}

export interface TextNode extends At {
  type: 'text';
  text: string;
}
export interface ActionNode extends At {
  type: 'action';
  pipe: PipeNode;
}
export interface BranchNode extends At {
  type: 'if' | 'with' | 'range';
  pipe: PipeNode;
  list: Node[];
  elseList: Node[] | null;
}
export interface TemplateCallNode extends At {
  type: 'template';
  name: string;
  pipe: PipeNode | null;
}
export interface LoopControlNode extends At {
  type: 'break' | 'continue';
}
export type Node = TextNode | ActionNode | BranchNode | TemplateCallNode | LoopControlNode;

export interface PipeNode extends At {
  type: 'pipe';
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends At {
  type: 'command';
  args: ArgNode[];
}
export interface FieldNode extends At {
  type: 'field';
  idents: string[];
}
/** `$x.A.B`: idents[0] is the variable's name (with the `$`). */
export interface VariableNode extends At {
  type: 'variable';
  idents: string[];
}
export interface ChainNode extends At {
  type: 'chain';
  node: ArgNode;
  idents: string[];
}
export interface IdentifierNode extends At {
  type: 'identifier';
  name: string;
}
export interface LiteralNode extends At {
  type: 'literal';
  kind: 'bool' | 'number' | 'string';
  value: boolean | number | bigint | string | GoFloat;
}
export interface DotNode extends At {
  type: 'dot';
}
export interface NilNode extends At {
  type: 'nil';
}
export type ArgNode = FieldNode | VariableNode | ChainNode | IdentifierNode | LiteralNode | DotNode | NilNode | PipeNode;

export interface ParsedTemplates {
  /** Root list of the main template. */
  root: Node[];
  /** Templates named by `define` and `block`. */
  defined: Map<string, Node[]>;
}

type EndNode = { type: 'end' | 'else'; pos: number; end: number; keyword?: 'if' | 'with' };

export function parse(src: string, name: string, hasFunction: (name: string) => boolean): ParsedTemplates {
  return new Parser(src, name, hasFunction).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private vars: string[] = ['$'];
  /** Line of the action being parsed (0 outside actions), for lexical error messages. */
  private actionLine = 0;
  private rangeDepth = 0;
  private readonly defined = new Map<string, Node[]>();

  constructor(
    private readonly src: string,
    private readonly name: string,
    private readonly hasFunction: (name: string) => boolean,
  ) {
    this.tokens = lex(src);
  }

  parseAll(): ParsedTemplates {
    const root: Node[] = [];
    while (this.peek().kind !== 'eof') {
      if (this.peek().kind === 'leftDelim' && this.peekAt(1).kind === 'keyword' && this.peekAt(1).val === 'define') {
        this.next();
        this.next();
        this.parseDefinition();
        continue;
      }
      const n = this.textOrAction();
      if ('keyword' in n || n.type === 'end' || n.type === 'else') this.fail(n.pos, `unexpected {{${n.type}}}`);
      root.push(n as Node);
    }
    return { root, defined: this.defined };
  }

  // ---- tokens

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private peekAt(k: number): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind === 'error') this.lexError(t);
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  private expect(kind: TokenKind, context: string): Token {
    const t = this.next();
    if (t.kind !== kind) this.unexpected(t, context);
    return t;
  }

  private fail(pos: number, msg: string): never {
    const line = lineOf(this.src, pos);
    throw new TemplateError(`template: ${this.name}:${line}:${columnOf(this.src, pos)}: ${msg}`, {
      templateName: this.name,
      templateLine: line,
      templateColumn: columnOf(this.src, pos),
    });
  }

  /** Reports a lexical error the way Go's parser does, naming the action's first line. */
  private lexError(t: Token): never {
    let extra = '';
    if (this.actionLine !== 0 && this.actionLine !== t.line) {
      extra = ` in action started at ${this.name}:${this.actionLine}`;
      if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
    }
    return this.fail(t.pos, t.val + extra);
  }

  private unexpected(t: Token, context: string): never {
    if (t.kind === 'error') this.lexError(t);
    const what =
      t.kind === 'eof'
        ? 'EOF'
        : t.kind === 'rightDelim'
          ? '"}}"'
          : t.kind === 'leftDelim'
            ? '"{{"'
            : t.kind === 'keyword' || t.kind === 'dot' || t.kind === 'nil'
              ? `<${t.val}>`
              : goQuoteToken(t.val);
    return this.fail(t.pos, `unexpected ${what} in ${context}`);
  }

  // ---- structure

  private parseDefinition(): void {
    const context = 'define clause';
    const nameTok = this.next();
    const tname = this.templateName(nameTok, context);
    this.expect('rightDelim', context);
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.type !== 'end') this.fail(end.pos, `unexpected {{${end.type}}} in ${context}`);
    this.addDefinition(tname, list, nameTok.pos);
  }

  private addDefinition(tname: string, list: Node[], pos: number): void {
    const prev = this.defined.get(tname);
    if (prev !== undefined && !isEmptyList(prev) && !isEmptyList(list)) {
      this.fail(pos, `template: multiple definition of template "${tname}"`);
    }
    if (prev === undefined || isEmptyList(prev)) this.defined.set(tname, list);
  }

  private templateName(t: Token, context: string): string {
    if (t.kind === 'string' || t.kind === 'rawString') return unquote(t.val, (msg) => this.fail(t.pos, msg));
    return this.unexpected(t, context);
  }

  /** Parses until `{{end}}` or `{{else}}`, returning the list and that terminator. */
  private itemList(): [Node[], EndNode] {
    const list: Node[] = [];
    while (this.peek().kind !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n as EndNode];
      list.push(n as Node);
    }
    return this.fail(this.peek().pos, 'unexpected EOF');
  }

  private textOrAction(): Node | EndNode {
    const t = this.next();
    if (t.kind === 'text') return { type: 'text', text: t.val, pos: t.pos, end: t.pos + t.val.length };
    if (t.kind === 'leftDelim') {
      this.actionLine = t.line;
      const n = this.action(t);
      this.actionLine = 0;
      return n;
    }
    return this.unexpected(t, 'input');
  }

  private action(open: Token): Node | EndNode {
    const t = this.peek();
    if (t.kind === 'keyword') {
      this.next();
      switch (t.val) {
        case 'block':
          return this.blockControl(open);
        case 'break':
        case 'continue': {
          const close = this.next();
          if (close.kind !== 'rightDelim') this.unexpected(close, `{{${t.val}}}`);
          if (this.rangeDepth === 0) this.fail(t.pos, `{{${t.val}}} outside {{range}}`);
          return { type: t.val, pos: t.pos, end: close.pos };
        }
        case 'else': {
          // `{{else if ...}}` / `{{else with ...}}` leave the keyword for the caller.
          const p = this.peek();
          if (p.kind === 'keyword' && (p.val === 'if' || p.val === 'with')) return { type: 'else', pos: t.pos, end: p.pos, keyword: p.val };
          this.expect('rightDelim', 'else');
          return { type: 'else', pos: t.pos, end: t.pos + 4 };
        }
        case 'end':
          this.expect('rightDelim', 'end');
          return { type: 'end', pos: t.pos, end: t.pos + 3 };
        case 'if':
        case 'range':
        case 'with':
          return this.control(t.val, t.pos);
        case 'template':
          return this.templateControl(open);
        case 'define':
          return this.fail(t.pos, 'unexpected <define> in command');
      }
    }
    const pipe = this.pipeline('command', 'rightDelim');
    return { type: 'action', pipe, pos: open.pos, end: pipe.end };
  }

  private control(context: 'if' | 'range' | 'with', pos: number): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    const [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: Node[] | null = null;
    if (next.type === 'else') {
      if (next.keyword !== undefined && next.keyword === context) {
        // `{{if a}}x{{else if b}}y{{end}}` is `{{if a}}x{{else}}{{if b}}y{{end}}{{end}}`.
        const kw = this.next();
        elseList = [this.control(context, kw.pos)];
      } else {
        if (next.keyword !== undefined) this.unexpected(this.peek(), 'input');
        let end: EndNode;
        [elseList, end] = this.itemList();
        if (end.type !== 'end') this.fail(end.pos, `expected end; found {{else}}`);
      }
    }
    this.vars.length = mark;
    return { type: context, pipe, list, elseList, pos, end: pipe.end };
  }

  private templateControl(open: Token): TemplateCallNode {
    const context = 'template clause';
    const nameTok = this.next();
    const tname = this.templateName(nameTok, context);
    let pipe: PipeNode | null = null;
    if (this.peek().kind === 'rightDelim') this.next();
    else pipe = this.pipeline(context, 'rightDelim');
    // Go reports the name's position and quotes the whole action.
    return { type: 'template', name: tname, pipe, pos: nameTok.pos, start: open.pos, end: this.previousEnd() };
  }

  /** End offset of the token just consumed. */
  private previousEnd(): number {
    const t = this.tokens[this.i - 1]!;
    return t.pos + t.val.length;
  }

  private blockControl(open: Token): TemplateCallNode {
    const context = 'block clause';
    const nameTok = this.next();
    const tname = this.templateName(nameTok, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const savedVars = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    this.vars = savedVars;
    this.rangeDepth = savedDepth;
    if (end.type !== 'end') this.fail(end.pos, `unexpected {{${end.type}}} in ${context}`);
    this.addDefinition(tname, list, nameTok.pos);
    return { type: 'template', name: tname, pipe, pos: nameTok.pos, start: open.pos, end: pipe.end };
  }

  // ---- pipelines

  private pipeline(context: string, endKind: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.peek();
    const pipe: PipeNode = { type: 'pipe', isAssign: false, decl: [], cmds: [], pos: start.pos, end: start.pos };
    for (;;) {
      const v = this.peek();
      if (v.kind !== 'variable') break;
      const after = this.peekAt(1);
      if (after.kind === 'declare' || after.kind === 'assign') {
        this.next();
        this.next();
        pipe.isAssign = after.kind === 'assign';
        pipe.decl.push({ type: 'variable', idents: [v.val], pos: v.pos, end: v.pos + v.val.length });
        this.vars.push(v.val);
        break;
      }
      if (after.kind === 'char' && after.val === ',') {
        this.next();
        this.next();
        pipe.decl.push({ type: 'variable', idents: [v.val], pos: v.pos, end: v.pos + v.val.length });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const k = this.peek().kind;
          if (k === 'variable' || k === 'rightDelim' || k === 'rightParen') continue;
          this.fail(this.peek().pos, 'range can only initialize variables');
        }
        this.fail(v.pos, `too many declarations in ${context}`);
      }
      break;
    }
    for (;;) {
      const t = this.peek();
      if (t.kind === endKind) {
        this.next();
        pipe.end = t.kind === 'rightParen' ? t.pos + 1 : lastEnd(pipe, t.pos);
        if (pipe.cmds.length === 0) this.fail(t.pos, `missing value for ${context}`);
        for (let k = 1; k < pipe.cmds.length; k++) {
          const first = pipe.cmds[k]!.args[0]!;
          if (first.type === 'literal' || first.type === 'dot' || first.type === 'nil') {
            this.fail(first.pos, `non executable command in pipeline stage ${k + 1}`);
          }
        }
        return pipe;
      }
      switch (t.kind) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private command(): CommandNode {
    const start = this.peek().pos;
    const cmd: CommandNode = { type: 'command', args: [], pos: start, end: start };
    for (;;) {
      const operand = this.operand();
      if (operand !== null) {
        cmd.args.push(operand);
        cmd.end = operand.end;
      }
      const t = this.peek();
      if (t.kind === 'rightDelim' || t.kind === 'rightParen') break;
      if (t.kind === 'pipe') {
        this.next();
        break;
      }
      if (operand !== null && t.spaceBefore) continue;
      this.unexpected(t, 'operand');
    }
    if (cmd.args.length === 0) this.fail(start, 'empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    const t = this.peek();
    if (t.kind !== 'field' || t.spaceBefore) return node;
    const idents: string[] = [];
    const chainPos = t.pos;
    let end = node.end;
    while (this.peek().kind === 'field' && !this.peek().spaceBefore) {
      const f = this.next();
      idents.push(f.val.slice(1));
      end = f.pos + f.val.length;
    }
    switch (node.type) {
      case 'field':
        return { type: 'field', idents: [...node.idents, ...idents], pos: chainPos, start: node.pos, end };
      case 'variable':
        return { type: 'variable', idents: [...node.idents, ...idents], pos: chainPos, start: node.pos, end };
      case 'literal':
      case 'nil':
      case 'dot':
        return this.fail(t.pos, `unexpected . after term ${JSON.stringify(this.src.slice(node.pos, node.end))}`);
      default:
        return { type: 'chain', node, idents, pos: chainPos, start: node.start ?? node.pos, end };
    }
  }

  private term(): ArgNode | null {
    const t = this.peek();
    const end = t.pos + t.val.length;
    switch (t.kind) {
      case 'identifier':
        this.next();
        if (!this.hasFunction(t.val)) this.fail(t.pos, `function ${JSON.stringify(t.val)} not defined`);
        return { type: 'identifier', name: t.val, pos: t.pos, end };
      case 'dot':
        this.next();
        return { type: 'dot', pos: t.pos, end };
      case 'nil':
        this.next();
        return { type: 'nil', pos: t.pos, end };
      case 'variable': {
        this.next();
        const dot = t.val.indexOf('.');
        const vname = dot < 0 ? t.val : t.val.slice(0, dot);
        if (!this.vars.includes(vname)) this.fail(t.pos, `undefined variable ${JSON.stringify(vname)}`);
        return { type: 'variable', idents: [vname], pos: t.pos, end };
      }
      case 'field':
        this.next();
        return { type: 'field', idents: [t.val.slice(1)], pos: t.pos, end };
      case 'bool':
        this.next();
        return { type: 'literal', kind: 'bool', value: t.val === 'true', pos: t.pos, end };
      case 'number':
      case 'charConstant':
        this.next();
        return { type: 'literal', kind: 'number', value: this.number(t), pos: t.pos, end };
      case 'string':
      case 'rawString':
        this.next();
        return { type: 'literal', kind: 'string', value: unquote(t.val, (m) => this.fail(t.pos, m)), pos: t.pos, end };
      case 'leftParen': {
        this.next();
        const p = this.pipeline('parenthesized pipeline', 'rightParen');
        p.pos = t.pos;
        return p;
      }
      default:
        return null;
    }
  }

  private number(t: Token): number | bigint | GoFloat {
    if (t.kind === 'charConstant') {
      // '\x80' and '\200' are the values 128, not UTF-8 bytes.
      const byteEscape = /^'\\(?:x([0-9a-fA-F]{2})|([0-3][0-7]{2}))'$/.exec(t.val);
      if (byteEscape !== null) return byteEscape[1] !== undefined ? parseInt(byteEscape[1], 16) : parseInt(byteEscape[2]!, 8);
      const s = unquote(t.val, (m) => this.fail(t.pos, m));
      const cp = s.codePointAt(0);
      if (cp === undefined || String.fromCodePoint(cp) !== s) this.fail(t.pos, `malformed character constant: ${t.val}`);
      return cp;
    }
    const raw = t.val;
    const body = raw.replace(/^[+-]/, '');
    const isFloatSyntax = FLOAT_LITERAL.test(body) && !INT_LITERAL.test(body);
    if (body.endsWith('i')) this.fail(t.pos, `complex constants are not supported: ${raw}`);
    if (!INT_LITERAL.test(body) && !isFloatSyntax) this.fail(t.pos, `illegal number syntax: ${JSON.stringify(raw)}`);
    const text = raw.replace(/_/g, '');
    if (isFloatSyntax) {
      if (/^[+-]?0[xX]/.test(text)) this.fail(t.pos, `hexadecimal floating-point constants are not supported: ${raw}`);
      const f = Number(text);
      if (!Number.isFinite(f)) this.fail(t.pos, `illegal number syntax: ${JSON.stringify(raw)}`);
      // Keep integral floats recognisable as float64: Go prints {{1e6}} as 1e+06.
      return Number.isInteger(f) ? new GoFloat(f) : f;
    }
    const neg = text.startsWith('-');
    const digits = text.replace(/^[+-]/, '');
    let big: bigint;
    if (/^0[oO]/.test(digits)) big = BigInt('0o' + digits.slice(2));
    else if (/^0[0-7]+$/.test(digits)) big = BigInt('0o' + digits.slice(1));
    else if (/^0[0-9]+$/.test(digits)) return this.fail(t.pos, `illegal number syntax: ${JSON.stringify(raw)}`);
    else big = BigInt(digits);
    if (neg) big = -big;
    if (big > 0x7fffffffffffffffn || big < -0x8000000000000000n) this.fail(t.pos, `integer overflow: ${JSON.stringify(raw)}`);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
}

const DEC = '[0-9](?:_?[0-9])*';
const INT_LITERAL = new RegExp(`^(?:${DEC}|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+)$`);
const FLOAT_LITERAL = new RegExp(`^(?:(?:${DEC}\\.(?:${DEC})?|\\.${DEC})(?:[eE][+-]?${DEC})?|${DEC}[eE][+-]?${DEC})$`);

/** How Go's parser quotes a token in messages: %q, cut to 10 characters. */
function goQuoteToken(val: string): string {
  const runes = Array.from(val);
  return runes.length > 10 ? `${quote(runes.slice(0, 10).join(''))}...` : quote(val);
}

function lastEnd(pipe: PipeNode, fallback: number): number {
  const last = pipe.cmds[pipe.cmds.length - 1];
  return last !== undefined ? last.end : fallback;
}

function isEmptyList(list: Node[]): boolean {
  return list.every((n) => n.type === 'text' && n.text.trim() === '');
}

export const lineOf = countLines;

/** strconv.Unquote for the three Go quote forms. */
export function unquote(q: string, fail: (msg: string) => never): string {
  const quoteChar = q[0];
  if (quoteChar === '`') return q.slice(1, -1).replace(/\r/g, '');
  const body = q.slice(1, -1);
  if (!body.includes('\\')) {
    if (quoteChar === "'" && body === '') fail('invalid syntax');
    if (quoteChar === "'" && Array.from(body).length !== 1) fail(`malformed character constant: ${q}`);
    return body;
  }
  const bytes: number[] = [];
  const pushString = (s: string): void => {
    for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushString(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        bytes.push(7);
        break;
      case 'b':
        bytes.push(8);
        break;
      case 'f':
        bytes.push(12);
        break;
      case 'n':
        bytes.push(10);
        break;
      case 'r':
        bytes.push(13);
        break;
      case 't':
        bytes.push(9);
        break;
      case 'v':
        bytes.push(11);
        break;
      case '\\':
        bytes.push(92);
        break;
      case '"':
      case "'":
        if (e !== quoteChar) fail('invalid syntax');
        bytes.push(e.charCodeAt(0));
        break;
      case 'x': {
        const h = body.slice(i, i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) fail('invalid syntax');
        bytes.push(parseInt(h, 16));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const n = e === 'u' ? 4 : 8;
        const h = body.slice(i, i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) fail('invalid syntax');
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail('invalid syntax');
        pushString(String.fromCodePoint(cp));
        i += n;
        break;
      }
      default:
        if (e !== undefined && e >= '0' && e <= '7') {
          const o = body.slice(i - 1, i + 2);
          if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) fail('invalid syntax');
          bytes.push(parseInt(o, 8));
          i += 2;
          break;
        }
        fail('invalid syntax');
    }
  }
  const s = Buffer.from(bytes).toString('utf8');
  if (quoteChar === "'" && Array.from(s).length !== 1) fail(`malformed character constant: ${q}`);
  return s;
}
