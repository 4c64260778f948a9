// The signature of a function declaration or literal as the template context and the
// `function` join point need it: receiver, parameters and results flattened one per name, and
// the renaming of unnamed or `_` parameters when a template refers to them.
import { WeftError } from '../errors.js';
import type { EditList } from './edits.js';
import { childByField, childrenByField, type SyntaxNode } from './syntax.js';
import type { SourceFile } from './source-file.js';

export interface Param {
  /** The name node, or null when the parameter is unnamed. */
  name: SyntaxNode | null;
  type: SyntaxNode;
  variadic: boolean;
  /** The declaration node (parameter_declaration or variadic_parameter_declaration), or the bare result type. */
  decl: SyntaxNode;
}

export interface Signature {
  receiver: Param | null;
  params: Param[];
  results: Param[];
  /** The results node when it is a bare type (`func f() error`), which must be parenthesised to be named. */
  bareResult: SyntaxNode | null;
  resultList: SyntaxNode | null;
}

function paramsOf(list: SyntaxNode | null): Param[] {
  if (!list) return [];
  const out: Param[] = [];
  for (const d of list.children) {
    if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') continue;
    const type = childByField(d, 'type');
    if (!type) continue;
    const names = childrenByField(d, 'name');
    const variadic = d.type === 'variadic_parameter_declaration';
    if (names.length === 0) out.push({ name: null, type, variadic, decl: d });
    for (const n of names) out.push({ name: n, type, variadic, decl: d });
  }
  return out;
}

export function signatureOf(fn: SyntaxNode): Signature {
  const recvList = childByField(fn, 'receiver');
  const receiver = paramsOf(recvList)[0] ?? null;
  const params = paramsOf(childByField(fn, 'parameters'));
  const result = childByField(fn, 'result');
  let results: Param[] = [];
  let bareResult: SyntaxNode | null = null;
  let resultList: SyntaxNode | null = null;
  if (result) {
    if (result.type === 'parameter_list') {
      results = paramsOf(result);
      resultList = result;
    } else {
      bareResult = result;
      results = [{ name: null, type: result, variadic: false, decl: result }];
    }
  }
  return { receiver, params, results, bareResult, resultList };
}

export function functionName(file: SourceFile, fn: SyntaxNode): string {
  const n = childByField(fn, 'name');
  return n ? file.slice(n) : '';
}

/**
 * Names an unnamed or `_` parameter the first time a template refers to it. Go requires all
 * parameters of a list to be named or none, so naming one names its unnamed siblings `_`.
 */
export class Renamer {
  private readonly done = new Map<SyntaxNode, Map<number, string>>();

  constructor(private readonly file: SourceFile, private readonly edits: EditList, private readonly aspect: () => string) {}

  nameOf(fn: SyntaxNode, group: 'receiver' | 'params' | 'results', index: number): string {
    const sig = signatureOf(fn);
    const list = group === 'receiver' ? (sig.receiver ? [sig.receiver] : []) : group === 'params' ? sig.params : sig.results;
    const p = list[index];
    if (!p) {
      const where = this.file.position(fn.start);
      throw new WeftError('E_WEAVE_FAILED', `the template asks for ${group === 'results' ? 'result' : group === 'params' ? 'argument' : 'receiver'} ${index} of a function that has ${list.length}`, { location: { file: where.file, line: where.line }, aspect: this.aspect() });
    }
    if (p.name && this.file.slice(p.name) !== '_') return this.file.slice(p.name);
    let names = this.done.get(fn);
    if (!names) this.done.set(fn, (names = new Map()));
    const key = (group === 'receiver' ? 0 : group === 'params' ? 1 : 2) * 100000 + index;
    const existing = names.get(key);
    if (existing !== undefined) return existing;
    const synthetic = this.uniqueName(group === 'results' ? `__weft_result_${index}` : group === 'params' ? `__weft_arg_${index}` : '__weft_recv');
    names.set(key, synthetic);
    const at = fn.start;
    if (p.name) {
      // `_` → synthetic name in place.
      this.edits.replace(p.name.start, p.name.end, synthetic, this.aspect(), at);
      return synthetic;
    }
    if (group === 'results' && sig.bareResult) {
      this.edits.insert(sig.bareResult.start, `(${synthetic} `, this.aspect(), at);
      this.edits.insert(sig.bareResult.end, ')', this.aspect(), at);
      return synthetic;
    }
    // Unnamed parameters come in a list where none is named (Go allows all or none): name them
    // all at once; parameters that are never used are not an error in Go.
    list.forEach((q, i) => {
      const name = i === index ? synthetic : this.uniqueName(group === 'results' ? `__weft_result_${i}` : `__weft_arg_${i}`);
      names.set(key - index + i, name);
      this.edits.insert(q.decl.start, `${name} `, this.aspect(), at);
    });
    return synthetic;
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.file.isIdentifierUsed(name); i++) name = `${base}_${i}`;
    return name;
  }
}
