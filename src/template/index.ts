// src/template: Go's text/template language in TypeScript, for advice templates. Owns lexing,
// parsing (with Go's parse-time checks), execution over plain JS data (value.ts documents the
// data model), Go fmt printing and the predefined functions. It knows nothing about Go syntax
// trees: the weaver passes objects whose String() prints them. Imports only ../errors.js.
// rooms: errors
//
// Checked against Go's own text/template case by case (test/unit/template). Known differences:
// parse errors also carry a column (`name:line:col:`); JS cannot tell methods from func-valued
// fields, so a function property is always called (except as the callee of `call`); caller
// functions get no arity check, receive missing values as null and floats as plain numbers;
// no complex numbers, hex floats, channels, `missingkey` option or `%x` of floats; template
// recursion stops at depth 1000 (Go: 100000); `len` of a missing value says "len of untyped nil".
import type { TemplateFunc } from './builtins.js';
import { BUILTINS, SPECIAL_BUILTINS } from './builtins.js';
import { TemplateError } from './errors.js';
import { execute } from './exec.js';
import { parse, type Node } from './parse.js';

export type { TemplateFunc } from './builtins.js';
export { TemplateError, locateTemplateError, type TemplatePosition } from './errors.js';
export { formatValue, sprint, sprintf } from './fmt.js';
export { GO_TYPE_NAME } from './value.js';

export interface ParseOptions {
  /** Name shown in messages (`template: <name>:line:col: ...`); default `advice`. */
  name?: string;
  /** Extra functions, checked at parse time as Go does; execute may replace their implementations. */
  funcs?: Record<string, TemplateFunc>;
}

export interface ExecuteOptions {
  /** Functions for this execution; they win over parse-time ones of the same name. */
  funcs?: Record<string, TemplateFunc>;
}

export interface Template {
  readonly name: string;
  readonly source: string;
  /** Names of templates defined with `define` or `block`. */
  readonly definedTemplates: readonly string[];
  /** Renders the template; throws TemplateError (E_TEMPLATE) with Go's message on failure. */
  execute(data: unknown, opts?: ExecuteOptions): string;
}

/** Parses template text once; throws TemplateError (E_TEMPLATE) with the template line and column. */
export function parseTemplate(source: string, opts: ParseOptions = {}): Template {
  const name = opts.name ?? 'advice';
  const parseFuncs = opts.funcs ?? {};
  const hasFunction = (fn: string): boolean => BUILTINS.has(fn) || SPECIAL_BUILTINS.has(fn) || Object.hasOwn(parseFuncs, fn);
  const parsed = parse(source, name, hasFunction);
  return new CompiledTemplate(name, source, parsed.root, parsed.defined, parseFuncs);
}

class CompiledTemplate implements Template {
  readonly definedTemplates: readonly string[];

  constructor(
    readonly name: string,
    readonly source: string,
    private readonly root: Node[],
    private readonly defined: Map<string, Node[]>,
    private readonly funcs: Record<string, TemplateFunc>,
  ) {
    this.definedTemplates = [...defined.keys()].sort();
  }

  execute(data: unknown, opts: ExecuteOptions = {}): string {
    const execFuncs = opts.funcs;
    const parseFuncs = this.funcs;
    const lookupFunc = (fn: string): TemplateFunc | undefined => {
      if (execFuncs !== undefined && Object.hasOwn(execFuncs, fn)) return execFuncs[fn];
      return Object.hasOwn(parseFuncs, fn) ? parseFuncs[fn] : undefined;
    };
    try {
      return execute({ src: this.source, parseName: this.name, defined: this.defined, lookupFunc }, this.root, this.name, data);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      if (err instanceof RangeError) {
        throw new TemplateError(`template: ${this.name}: execution too deep: ${err.message}`, { templateName: this.name, templateLine: 1, templateColumn: 0 }, { cause: err });
      }
      throw err;
    }
  }
}
