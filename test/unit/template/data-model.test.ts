// The contract with the weaver that Go's data model cannot express: JS methods called with
// template arguments, fmt.Stringer printing of syntax-node-like objects, Map and class
// instances, functions supplied at parse and execute time, and how errors are reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WeftError } from '../../../src/errors.js';
import { locateTemplateError, parseTemplate, TemplateError } from '../../../src/template/index.js';

/** Stands in for a syntax node: prints as Go source through String(). */
class FakeNode {
  constructor(readonly text: string) {}
  String(): string {
    return this.text;
  }
}

class FakeFunction {
  readonly params = [
    { name: 'ctx', type: 'context.Context' },
    { name: '_', type: 'int' },
  ];
  get Name(): string {
    return 'Handle';
  }
  Receiver(): string {
    return 's';
  }
  Argument(i: number): string {
    const p = this.params[i];
    if (p === undefined) throw new Error(`function Handle has no argument ${i}`);
    return p.name === '_' ? `__arg${i}` : p.name;
  }
  ArgumentOfType(t: string): string {
    return this.params.find((p) => p.type === t)?.name ?? '';
  }
  Result(i: number): string {
    return `__result${i}`;
  }
}

function render(tpl: string, data: unknown, funcs?: Record<string, (...a: never[]) => unknown>): string {
  return parseTemplate(tpl, { name: 'advice', ...(funcs ? { funcs } : {}) }).execute(data);
}

function renderError(tpl: string, data: unknown): TemplateError {
  try {
    render(tpl, data);
  } catch (err) {
    assert.ok(err instanceof TemplateError, `not a TemplateError: ${String(err)}`);
    return err;
  }
  assert.fail(`template ${JSON.stringify(tpl)} did not fail`);
}

describe('template data model', () => {
  const ctx = {
    AST: { Fun: new FakeNode('http.Get'), Args: [new FakeNode('url'), new FakeNode('ctx')] },
    Function: new FakeFunction(),
    DirectiveArgs: (name: string) => (name === 'span' ? [{ Key: 'name', Value: 'op' }] : []),
  };

  it('calls methods with the action arguments', () => {
    assert.equal(render('{{.Function.Argument 0}}/{{.Function.Argument 1}}', ctx), 'ctx/__arg1');
    assert.equal(render('{{.Function.ArgumentOfType "context.Context"}}', ctx), 'ctx');
    assert.equal(render('{{ .Function.Result 0 }} = {{ .Function.Receiver }}', ctx), '__result0 = s');
  });

  it('reads getters as fields and calls zero-argument methods without arguments', () => {
    assert.equal(render('{{.Function.Name}}', ctx), 'Handle');
    assert.equal(render('{{$f := .Function}}{{$f.Receiver}}.{{$f.Name}}', ctx), 's.Handle');
  });

  it('passes a piped value as the last method argument', () => {
    assert.equal(render('{{1 | .Function.Argument}}', ctx), '__arg1');
  });

  it('calls function-valued properties of plain objects as methods', () => {
    assert.equal(render('{{range .DirectiveArgs "span"}}{{.Key}}={{.Value}}{{end}}', ctx), 'name=op');
    assert.equal(render('{{len (.DirectiveArgs "none")}}', ctx), '0');
  });

  it('prints Stringers, alone and inside collections', () => {
    assert.equal(render('{{.AST.Fun}}({{range $i, $a := .AST.Args}}{{if $i}}, {{end}}{{$a}}{{end}})', ctx), 'http.Get(url, ctx)');
    assert.equal(render('{{.AST.Args}}', ctx), '[url ctx]');
    assert.equal(render('{{printf "%s|%v|%q" .AST.Fun .AST.Fun .AST.Fun}}', ctx), 'http.Get|http.Get|"http.Get"');
    assert.equal(render('{{ . }}', new FakeNode('f(x)')), 'f(x)');
    assert.equal(render('{{ . }}', { String: () => 'literal ctx', Other: 1 }), 'literal ctx');
    assert.equal(render('{{print .A " " .B}}', { A: new FakeNode('a'), B: [new FakeNode('b')] }), 'a [b]');
  });

  it('surfaces a method that throws as E_TEMPLATE with the method name and reason', () => {
    const err = renderError('x\n  {{.Function.Argument 7}}', ctx);
    assert.equal(err.code, 'E_TEMPLATE');
    assert.ok(err instanceof WeftError);
    assert.match(err.message, /executing "advice" at <\.Function\.Argument>: error calling Argument: function Handle has no argument 7/);
    assert.equal(err.templateLine, 2);
    assert.ok(err.cause instanceof Error);
  });

  it('reads own function properties of class instances as methods (views built at run time)', () => {
    class View {
      [field: string]: unknown;
    }
    const ident = Object.assign(new View(), { String: () => 'url' });
    const call = Object.assign(new View(), {
      String: () => 'http.Get(url)',
      Fun: () => Object.assign(new View(), { String: () => 'http.Get', Sel: () => 'Get' }),
      Args: () => [ident],
      Ellipsis: () => false,
    });
    assert.equal(render('{{.}} | {{.Fun}} | {{.Fun.Sel}} | {{index .Args 0}} | {{if .Ellipsis}}...{{else}}no{{end}}', call), 'http.Get(url) | http.Get | Get | url | no');
    assert.match(renderError('{{.Nope}}', call).message, /can't evaluate field Nope in type View/);
  });

  it('reports a throwing getter as a failed call', () => {
    const data = new (class Broken {
      get Bad(): string {
        throw new Error('getter failed');
      }
    })();
    assert.match(renderError('{{.Bad}}', data).message, /error calling Bad: getter failed/);
  });

  it('rejects unknown fields of class instances but not of plain objects', () => {
    assert.match(renderError('{{.Nope}}', new FakeFunction()).message, /can't evaluate field Nope in type FakeFunction/);
    assert.equal(render('{{.Nope}}', {}), '<no value>');
    assert.match(renderError('{{.Name 1}}', new FakeFunction()).message, /Name has arguments but cannot be invoked as function/);
  });

  it('does not expose Object.prototype members', () => {
    assert.equal(render('{{.constructor}}|{{.toString}}', {}), '<no value>|<no value>');
    assert.match(renderError('{{.toString}}', new FakeNode('x')).message, /can't evaluate field toString/);
  });

  it('treats Map as a map: fields, index, range in sorted key order, len', () => {
    const m = new Map<unknown, unknown>([
      ['b', 2],
      ['a', 1],
    ]);
    assert.equal(render('{{.a}} {{index . "b"}} {{len .}} {{range $k, $v := .}}{{$k}}{{$v}}{{end}} {{.}}', m), '1 2 2 a1b2 map[a:1 b:2]');
    const numeric = new Map<number, string>([
      [10, 'ten'],
      [9, 'nine'],
    ]);
    assert.equal(render('{{range $k, $v := .}}{{$k}}:{{$v}} {{end}}{{index . 10}}', numeric), '9:nine 10:ten ten');
  });

  it('ranges over Sets and other iterables', () => {
    assert.equal(render('{{range $i, $e := .}}{{$i}}{{$e}}{{end}}', new Set(['x', 'y'])), '0x1y');
  });

  it('handles bigint as int', () => {
    assert.equal(render('{{.}} {{printf "%d %x" . .}} {{eq . 5}}', 5n), '5 5 5 true');
    assert.equal(render('{{range .}}{{.}}{{end}}', 3n), '012');
    assert.equal(render('{{9223372036854775807}}', null), '9223372036854775807');
  });

  it('treats integral JS numbers as int and others as float64', () => {
    assert.equal(render('{{printf "%T %T %T" .A .B .C}}', { A: 3, B: 3.5, C: 2 ** 60 }), 'int float64 float64');
    assert.equal(render('{{printf "%T" 3.0}} {{3.0}} {{1e6}}', null), 'float64 3 1e+06');
  });

  it('passes missing values to functions as null and float literals as numbers', () => {
    const seen: unknown[] = [];
    const record = (...a: unknown[]): string => {
      seen.push(...a);
      return 'ok';
    };
    assert.equal(render('{{record .Missing 2.0 "s"}}', {}, { record }), 'ok');
    assert.deepEqual(seen, [null, 2, 's']);
  });

  it('checks functions at parse time and lets execute supply or replace them', () => {
    assert.throws(() => parseTemplate('{{Version}}'), /function "Version" not defined/);
    const t = parseTemplate('go{{Version}}', { funcs: { Version: () => '0.0.0' } });
    assert.equal(t.execute(null), 'go0.0.0');
    assert.equal(t.execute(null, { funcs: { Version: () => '1.26' } }), 'go1.26');
    const declaredOnly = parseTemplate('{{Version}}', { funcs: { Version: () => 'parse' } });
    assert.equal(declaredOnly.execute(null, { funcs: {} }), 'parse');
  });

  it('lets caller functions shadow builtins', () => {
    assert.equal(parseTemplate('{{len "abc"}}', { funcs: { len: () => 42 } }).execute(null), '42');
  });

  it('runs `call` on function values', () => {
    assert.equal(render('{{call .F 2 3}}', { F: (a: number, b: number) => a * b }), '6');
    assert.match(renderError('{{call .F}}', { F: () => { throw new Error('nope'); } }).message, /error calling call: nope/);
    assert.equal(render('{{call .G.H "x"}}', { G: { H: (s: string) => s + '!' } }), 'x!');
    assert.equal(render('{{$f := .}}{{call $f 1}}', (n: number) => n + 1), '2');
  });

  it('refuses to print a bare function value', () => {
    assert.match(renderError('{{.}}', () => 1).message, /can't print \. of type func/);
    assert.match(renderError('{{index . 0}}', [() => 1]).message, /can't print index \. 0 of type func/);
  });

  it('exposes defined template names and executes recursion up to a limit', () => {
    const t = parseTemplate('{{define "a"}}A{{end}}{{block "b" .}}B{{end}}');
    assert.deepEqual(t.definedTemplates, ['a', 'b']);
    const deep = renderError('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', null);
    assert.match(deep.message, /exceeded maximum template depth/);
  });
});

describe('template errors', () => {
  it('gives parse errors the template line and column', () => {
    try {
      parseTemplate('line one\nline two {{ .A | nofunc }}\n', { name: 'wrap' });
      assert.fail('no error');
    } catch (err) {
      assert.ok(err instanceof TemplateError);
      assert.equal(err.code, 'E_TEMPLATE');
      assert.equal(err.templateName, 'wrap');
      assert.equal(err.templateLine, 2);
      assert.equal(err.templateColumn, 17);
      assert.match(err.message, /^template: wrap:2:17: function "nofunc" not defined$/);
      assert.deepEqual(err.toData().details, ['template "wrap" line 2, column 18']);
    }
  });

  it('gives execution errors Go-style location and context', () => {
    const err = renderError('a\nb {{ if .X }}{{ index .L 3 }}{{ end }}', { X: true, L: [1] });
    assert.equal(err.message, 'template: advice:2:16: executing "advice" at <index .L 3>: error calling index: index out of range: 3');
    assert.equal(err.templateLine, 2);
  });

  it('counts columns in UTF-8 bytes like Go', () => {
    const err = renderError('é{{.A.B}}', { A: 'x' });
    assert.match(err.message, /^template: advice:1:6: /);
  });

  it('maps a template error onto the YAML file', () => {
    const err = renderError('ok\n\n{{ .A.B }}', { A: null });
    const located = locateTemplateError(err, { file: 'aspects.yml', firstLine: 10, aspect: 'wrap-get' });
    assert.ok(located instanceof WeftError);
    assert.equal(located.code, 'E_TEMPLATE');
    assert.deepEqual(located.location, { file: 'aspects.yml', line: 12 });
    assert.equal(located.aspect, 'wrap-get');
    assert.match(located.format(), /^weft: aspects\.yml:12: aspect "wrap-get": template: advice:3:/);
    const other = new Error('x');
    assert.equal(locateTemplateError(other, { file: 'f', firstLine: 1 }), other);
  });

  it('adds the column on the template first line when the caller knows it', () => {
    const err = renderError('{{ .A.B }}', { A: null });
    const located = locateTemplateError(err, { file: 'a.yml', firstLine: 4, firstColumn: 15 }) as WeftError;
    assert.deepEqual(located.location, { file: 'a.yml', line: 4, column: 20 });
  });
});
