// Every validation error path, with the line it must point at. Documents are written line by
// line so the expected line numbers can be read off the arrays (META is lines 1-3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { META, expectProblems } from './helpers.js';

const doc = (...lines: string[]) => META + lines.join('\n') + '\n';
/** An aspect file whose single aspect starts at line 5 and whose join point value is at line 7. */
const aspect = (joinPoint: string[], advice: string[] = ['add-blank-import: unsafe']) =>
  doc('aspects:', '  - id: x', '    join-point:', ...joinPoint.map((l) => '      ' + l), '    advice:', ...advice.map((l) => '      ' + l));

describe('config errors: the document', () => {
  it('unknown top-level key, with a suggestion', async () => {
    await expectProblems(doc('aspect:', '  - id: x'), [
      { line: 4, path: '', message: /unknown key `aspect` at the top level — did you mean `aspects`\?/ },
      { line: 1, path: '', message: /neither `aspects` nor `extends`/ },
    ]);
  });

  it('missing meta, and meta without description or with an empty name', async () => {
    await expectProblems('aspects:\n  - id: x\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n', [
      { line: 1, path: '', message: /missing required key `meta`/ },
    ]);
    await expectProblems('meta:\n  name: ""\naspects:\n  - id: x\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n', [
      { line: 2, path: 'meta', message: /missing required key `description`/ },
      { line: 2, path: 'meta.name', message: /expected a string, found an empty string/ },
    ]);
    await expectProblems('meta: {name: a, description: b, author: me}\naspects: [{id: x, join-point: {package-name: main}, advice: {add-blank-import: unsafe}}]\n', [
      { line: 1, path: 'meta', message: /unknown key `author` at meta/ },
    ]);
  });

  it('a bare list of aspects and an empty file', async () => {
    await expectProblems('- id: x\n  join-point: {package-name: main}\n  advice: {add-blank-import: unsafe}\n', [
      { line: 1, path: '', message: /the document is a list; put the aspects under an `aspects:` key/ },
    ]);
    await expectProblems('# nothing here\n', [{ line: 1, path: '', message: /the file is empty/ }]);
  });

  it('YAML syntax errors and duplicate keys carry their line', async () => {
    // The yaml parser reports an unclosed flow mapping where it gives up: the next line.
    await expectProblems(doc('aspects:', '  - id: x', '    join-point: {package-name: main', '    advice: x'), [
      { line: 7, path: '', message: /^YAML syntax: Flow map .* end with a \}/ },
    ]);
    await expectProblems(doc('aspects:', '  - id: x', '    id: y', '    join-point: {package-name: main}', '    advice: {add-blank-import: unsafe}'), [
      { line: 6, path: '', message: /YAML syntax: Map keys must be unique; remove or rename the repeated key/ },
    ]);
  });

  it('aspects and extends of the wrong shape or empty', async () => {
    await expectProblems(doc('aspects: {id: x}'), [{ line: 4, path: 'aspects', message: /expected a list of aspects, found a mapping/ }]);
    await expectProblems(doc('aspects: []'), [{ line: 4, path: 'aspects', message: /`aspects` is empty/ }]);
    await expectProblems(doc('extends: ./a.yml'), [{ line: 4, path: 'extends', message: /expected a list of relative file paths, found the string/ }]);
  });

  it('extends with an absolute path or a directory without configuration', async () => {
    await expectProblems(doc('extends:', '  - /etc/weft.yml'), [
      { line: 5, path: 'extends[0]', message: /is absolute; extends paths are relative to this file/ },
    ]);
    await expectProblems(doc('extends:', '  - ./'), [
      { line: 5, path: 'extends[0]', message: /holds neither orchestrion\.tool\.go nor orchestrion\.yml; name a YAML file or a package directory/ },
    ]);
  });
});

describe('config errors: aspects', () => {
  it('missing, empty and mistyped ids; unknown aspect keys', async () => {
    await expectProblems(doc('aspects:', '  - join-point: {package-name: main}', '    advice: {add-blank-import: unsafe}'), [
      { line: 5, path: 'aspects[0]', message: /missing required key `id`/ },
    ]);
    await expectProblems(doc('aspects:', '  - id: ""', '    join-point: {package-name: main}', '    advice: {add-blank-import: unsafe}'), [
      { line: 5, path: 'aspects[0].id', message: /expected a non-empty aspect id, found an empty string/ },
    ]);
    await expectProblems(doc('aspects:', '  - id: 42', '    join_point: {package-name: main}', '    advice: {add-blank-import: unsafe}'), [
      { line: 5, path: 'aspects[0].id', message: /found the number 42/ },
      { line: 6, path: 'aspects[0]', message: /unknown key `join_point` at aspects\[0\] — did you mean `join-point`\?/ },
      { line: 5, path: 'aspects[0]', message: /missing required key `join-point`/ },
    ]);
  });

  it('unknown join point and advice kinds, with suggestions', async () => {
    await expectProblems(aspect(['functon-call: net/http.Get']), [
      { line: 7, path: 'aspects[0].join-point', message: /unknown join point `functon-call` at aspects\[0\]\.join-point — did you mean `function-call`\?/ },
    ]);
    await expectProblems(aspect(['package-name: main'], ['wrap-expresion: {template: x}']), [
      { line: 9, path: 'aspects[0].advice', message: /unknown advice `wrap-expresion` .* did you mean `wrap-expression`\?/ },
    ]);
    await expectProblems(aspect(['package-name: main'], ['- function-call: net/http.Get']), [
      { line: 9, path: 'aspects[0].advice[0]', message: /unknown advice `function-call`.*is a join point; put it under `join-point`/ },
    ]);
  });

  it('a join point with two keys, and an empty advice list', async () => {
    await expectProblems(aspect(['package-name: main', 'test-main: true'], ['[]']), [
      { line: 7, path: 'aspects[0].join-point', message: /exactly one key, found 2: `package-name`, `test-main`; combine join points with all-of/ },
      { line: 10, path: 'aspects[0].advice', message: /`advice` needs at least one entry/ },
    ]);
  });

  it('every problem of a file is reported in one error', async () => {
    const err = await expectProblems(doc(
      'aspects:',
      '  - id: a',
      '    join-point: {function-call: Get}',
      '    advice: {add-blank-import: "net//http"}',
      '  - id: b',
      '    join-point: {test-main: "yes"}',
      '    advice: {wrap-expression: {template: "   "}}',
    ), [
      { line: 6, path: 'aspects[0].join-point.function-call', message: /`Get` has no package path; write it as `<import path>\.Get`/ },
      { line: 7, path: 'aspects[0].advice.add-blank-import', message: /invalid import path "net\/\/http"/ },
      { line: 9, path: 'aspects[1].join-point.test-main', message: /expected true or false, found the string "yes"/ },
      { line: 10, path: 'aspects[1].advice.wrap-expression.template', message: /the template is empty/ },
    ]);
    assert.equal(err.details.length, 4);
    assert.deepEqual(err.location?.line, 6);
  });
});

describe('config errors: join point fields', () => {
  it('function options: a mapping instead of a list, unknown option, empty signature-contains', async () => {
    await expectProblems(aspect(['function: {name: Foo}']), [
      { line: 7, path: 'aspects[0].join-point.function', message: /function options are a list of one-key mappings/ },
    ]);
    await expectProblems(aspect(['function:', '  - nmae: Foo', '  - signature-contains: {}']), [
      { line: 8, path: 'aspects[0].join-point.function[0]', message: /unknown function option `nmae` — did you mean `name`\?/ },
      { line: 9, path: 'aspects[0].join-point.function[1].signature-contains', message: /needs at least one type/ },
    ]);
  });

  it('function option values: bad receiver type, bad name, unknown signature key', async () => {
    await expectProblems(aspect([
      'function:',
      '  - receiver: "*Transport"',
      '  - name: "Foo Bar"',
      '  - signature: {args: [int], results: [error]}',
    ]), [
      { line: 8, path: 'aspects[0].join-point.function[0].receiver', message: /`Transport` is not a predeclared type/ },
      { line: 9, path: 'aspects[0].join-point.function[1].name', message: /is not a Go identifier/ },
      { line: 10, path: 'aspects[0].join-point.function[2].signature', message: /unknown key `results`.*did you mean `returns`\?/ },
    ]);
  });

  it('struct-literal: field with match, invalid match, missing type', async () => {
    await expectProblems(aspect(['struct-literal:', '  type: net/http.Server', '  field: Handler', '  match: any']), [
      { line: 10, path: 'aspects[0].join-point.struct-literal.match', message: /cannot be combined with `field`/ },
    ]);
    await expectProblems(aspect(['struct-literal: {match: pointer}']), [
      { line: 7, path: 'aspects[0].join-point.struct-literal', message: /missing required key `type`/ },
      { line: 7, path: 'aspects[0].join-point.struct-literal.match', message: /invalid match "pointer"; use one of any, value-only, pointer-only — did you mean `pointer-only`\?/ },
    ]);
  });

  it('method-call: pointer or unqualified receiver, missing name', async () => {
    await expectProblems(aspect(['method-call: {receiver: "*net/http.Client", name: Do}']), [
      { line: 7, path: 'aspects[0].join-point.method-call.receiver', message: /drop the `\*` and use `match: pointer-only`/ },
    ]);
    await expectProblems(aspect(['method-call:', '  receiver: error']), [
      { line: 8, path: 'aspects[0].join-point.method-call.receiver', message: /must be a package-qualified type/ },
      { line: 8, path: 'aspects[0].join-point.method-call', message: /missing required key `name`/ },
    ]);
  });

  it('package-filter without a pattern, directive with slashes, empty all-of', async () => {
    await expectProblems(aspect(['all-of:', '  - package-filter: {root: false}', '  - directive: "//dd:span"', '  - one-of: []']), [
      { line: 8, path: 'aspects[0].join-point.all-of[0].package-filter', message: /missing `pattern`/ },
      { line: 9, path: 'aspects[0].join-point.all-of[1].directive', message: /without the leading `\/\/`: `dd:span`/ },
      { line: 10, path: 'aspects[0].join-point.all-of[2].one-of', message: /needs at least one join point/ },
    ]);
  });

  it('the deprecated configuration join point', async () => {
    await expectProblems(aspect(['configuration: {httpmode: wrap}']), [
      { line: 7, path: 'aspects[0].join-point.configuration', message: /deprecated and not supported/ },
    ]);
  });

  it('struct-definition of a pointer, import-path that is a file path', async () => {
    await expectProblems(aspect(['one-of:', '  - struct-definition: "*net/http.Server"', '  - import-path: ./internal/x']), [
      { line: 8, path: 'aspects[0].join-point.one-of[0].struct-definition', message: /pointer type/ },
      { line: 9, path: 'aspects[0].join-point.one-of[1].import-path', message: /`\.` element/ },
    ]);
  });
});

describe('config errors: advice fields', () => {
  it('template: unknown key, missing template, bad imports, bad lang', async () => {
    await expectProblems(aspect(['package-name: main'], [
      'wrap-expression:',
      '  temlate: x',
      '  imports: {1http: net/http, ok: "net http"}',
      '  lang: "1.21"',
    ]), [
      { line: 10, path: 'aspects[0].advice.wrap-expression', message: /unknown key `temlate` .*did you mean `template`\?/ },
      { line: 10, path: 'aspects[0].advice.wrap-expression', message: /missing required key `template`/ },
      { line: 11, path: 'aspects[0].advice.wrap-expression.imports.1http', message: /not a valid Go package name/ },
      { line: 11, path: 'aspects[0].advice.wrap-expression.imports.ok', message: /invalid import path "net http"/ },
      { line: 12, path: 'aspects[0].advice.wrap-expression.lang', message: /invalid Go version "1\.21"; write it as `go1\.N`/ },
    ]);
  });

  it('namespace/order only on prepend-statements; order must be an integer', async () => {
    await expectProblems(aspect(['package-name: main'], [
      '- wrap-expression: {template: x, order: 1}',
      '- prepend-statements: {template: x, order: first, namespace: [a]}',
    ]), [
      { line: 9, path: 'aspects[0].advice[0].wrap-expression', message: /unknown key `order`/ },
      { line: 10, path: 'aspects[0].advice[1].prepend-statements.order', message: /expected an integer, found the string "first"/ },
      { line: 10, path: 'aspects[0].advice[1].prepend-statements.namespace', message: /expected a namespace name, found a list/ },
    ]);
  });

  it('inject-declarations links: duplicates and invalid paths', async () => {
    await expectProblems(aspect(['package-name: main'], [
      'inject-declarations:',
      '  template: "var x int"',
      '  links:',
      '    - example.com/a',
      '    - example.com/a',
      '    - "example.com/a/"',
    ]), [
      { line: 13, path: 'aspects[0].advice.inject-declarations.links[1]', message: /listed twice/ },
      { line: 14, path: 'aspects[0].advice.inject-declarations.links[2]', message: /cannot end with `\/`/ },
    ]);
  });

  it('add-struct-field, append-args and replace-function fields', async () => {
    await expectProblems(aspect(['package-name: main'], [
      '- add-struct-field: {name: x}',
      '- append-args: {type: "...", values: []}',
      '- replace-function: Open',
      '- add-blank-import: 7',
    ]), [
      { line: 9, path: 'aspects[0].advice[0].add-struct-field', message: /missing required key `type`/ },
      { line: 10, path: 'aspects[0].advice[1].append-args.type', message: /invalid Go type/ },
      { line: 10, path: 'aspects[0].advice[1].append-args.values', message: /needs at least one code template/ },
      { line: 11, path: 'aspects[0].advice[2].replace-function', message: /no package path/ },
      { line: 12, path: 'aspects[0].advice[3].add-blank-import', message: /expected an import path such as `net\/http`, found the number 7/ },
    ]);
  });

  it('a problem inside an anchored node is reported where it is defined', async () => {
    await expectProblems(doc(
      'aspects:',
      '  - id: a',
      '    join-point: {package-name: main}',
      '    advice:',
      '      wrap-expression: &w',
      '        template: x',
      '        lang: golang',
      '  - id: b',
      '    join-point: {package-name: main}',
      '    advice:',
      '      wrap-expression: *w',
    ), [
      { line: 10, path: 'aspects[0].advice.wrap-expression.lang', message: /invalid Go version/ },
      { line: 10, path: 'aspects[1].advice.wrap-expression.lang', message: /invalid Go version/ },
    ]);
  });
});
