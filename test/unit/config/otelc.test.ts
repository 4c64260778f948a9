import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NAMESPACE } from '../../../src/config/advice/common.js';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/index.js';
import { FIXTURES, META, expectProblems, strip, writeTemp } from './helpers.js';

const named = (path: string, name: string) => ({ kind: 'named', path, name, text: path === '' ? name : `${path}.${name}` });
const base = { namespace: DEFAULT_NAMESPACE, order: 0 };

describe('otelc rule files', () => {
  it('maps each supported modifier onto the aspect model', async () => {
    const c = await loadConfig(join(FIXTURES, 'otelc', 'rules.otelc.yml'));
    assert.deepEqual(c.aspects.map((a) => a.id), ['trace_query', 'add_fields', 'grpc_client', 'span_directive', 'default_transport']);
    const [query, fields, grpc, directive, transport] = c.aspects.map((a) => strip(a)) as unknown as Array<Record<string, unknown>>;
    const tracingImports = { tracing: 'example.com/tracing' };
    assert.deepEqual(query!.joinPoint, {
      kind: 'all-of',
      of: [
        { kind: 'import-path', path: 'example.com/store' },
        { kind: 'function-body', function: { kind: 'function', options: [
          { kind: 'name', name: 'Query' },
          { kind: 'receiver', type: { kind: 'pointer', elem: named('example.com/store', 'DB'), text: '*example.com/store.DB' } },
          { kind: 'signature-contains', args: [named('context', 'Context')], returns: [] },
        ] } },
      ],
    });
    assert.deepEqual(query!.advice, [{
      kind: 'prepend-statements', ...base,
      template: { source: 'ctx, span := tracing.Start(ctx, "store.Query")\ndefer span.End()\n', imports: tracingImports, lang: null },
    }]);
    assert.deepEqual(fields!.advice, [
      { kind: 'add-struct-field', ...base, name: 'tracer', type: { kind: 'pointer', elem: named('example.com/tracing', 'Tracer'), text: '*example.com/tracing.Tracer' } },
      { kind: 'add-struct-field', ...base, name: 'calls', type: named('', 'int') },
    ]);
    assert.deepEqual((fields!.joinPoint as { of: unknown[] }).of[1], { kind: 'struct-definition', type: { path: 'example.com/store', name: 'DB' } });
    assert.deepEqual(grpc!.joinPoint, {
      kind: 'all-of',
      of: [{ kind: 'package-filter', pattern: 'example.com/svc/**', root: null }, { kind: 'function-call', callee: { path: 'google.golang.org/grpc', name: 'Dial' } }],
    });
    const grpcImports = { grpc: 'google.golang.org/grpc', otelgrpc: 'example.com/otelgrpc' };
    assert.deepEqual(grpc!.advice, [
      { kind: 'append-args', ...base, type: named('google.golang.org/grpc', 'DialOption'), values: [{ source: 'grpc.WithUnaryInterceptor(otelgrpc.UnaryClientInterceptor())', imports: grpcImports, lang: null }] },
      { kind: 'wrap-expression', ...base, template: { source: 'traced({{ . }})', imports: grpcImports, lang: null } },
    ]);
    assert.deepEqual(directive!.joinPoint, {
      kind: 'all-of',
      of: [
        { kind: 'package-name', name: 'main' },
        { kind: 'function-body', function: { kind: 'all-of', of: [{ kind: 'directive', name: 'otelc:span' }, { kind: 'function', options: [] }] } },
      ],
    });
    assert.deepEqual(directive!.advice, [{
      kind: 'prepend-statements', ...base,
      template: { source: 'println("span start: {{ .Function.Name }}")\ndefer println("span end: {{ .Function.Name }}")', imports: {}, lang: null },
    }]);
    assert.deepEqual(transport!.advice, [
      { kind: 'assign-value', ...base, template: { source: 'otelhttp.NewTransport(&Transport{})', imports: { otelhttp: 'example.com/otelhttp' }, lang: null } },
      { kind: 'add-blank-import', ...base, path: 'unsafe' },
    ]);
    assert.deepEqual((transport!.joinPoint as { of: unknown[] }).of[1], { kind: 'declaration-of', symbol: { path: 'net/http', name: 'DefaultTransport' } });
  });

  it('is recognised by shape in a weft.yml and through extends', async () => {
    const dir = writeTemp({
      'weft.yml': `${META}extends: [./rules.yml]\n`,
      'rules.yml': 'r:\n  target: example.com/x\n  where: {func: F}\n  do: [{inject_code: {raw: "println(`{{ }}`)"}}]\n',
    });
    const c = await loadConfig(join(dir, 'weft.yml'));
    assert.equal(c.aspects.length, 1);
    const adv = c.aspects[0]!.advice[0]!;
    // Raw Go code is escaped so the template engine prints it literally.
    assert.ok(adv.kind === 'prepend-statements');
    assert.equal(adv.template.source, 'println(`{{"{{"}} {{"}}"}}`)');
  });

  it('reports what weft does not support yet, with lines', async () => {
    await expectProblems([
      'hooks:',
      '  target: example.com/x',
      '  version: v1.0.0,v2.0.0',
      '  where:',
      '    func: F',
      '    file: {has_func: init}',
      '  do:',
      '    - inject_hooks: {before: B, path: example.com/h}',
      'calls:',
      '  target: example.com/y',
      '  where: {function_call: example.com/z.Call}',
      '  do:',
      '    - wrap_call: {append_args: [x]}',
      '    - inject_cod: {raw: x}',
      'types:',
      '  target: example.com/*',
      '  where: {func: F, param: Unknown, result: "*http.Request", recv: "mystery.T"}',
      '  do: {inject_code: {raw: x}}',
    ].join('\n') + '\n', [
      { line: 8, path: 'hooks.do[0].inject_hooks', message: /`inject_hooks` is not supported by weft yet/ },
      { line: 13, path: 'calls.do[0].wrap_call.append_args', message: /needs `variadic_type`/ },
      { line: 14, path: 'calls.do[1].inject_cod', message: /unknown otelc modifier `inject_cod` — did you mean `inject_code`\?/ },
      { line: 17, path: 'types.where.param', message: /cannot tell which package `Unknown` belongs to/ },
      { line: 17, path: 'types.where.recv', message: /unknown package `mystery`/ },
    ]);
  });

  it('checks version ranges, where.file shapes and add_file entries, with lines', async () => {
    await expectProblems([
      'a:',
      '  target: example.com/x',
      '  version: 1.0,v2',
      '  where: {func: F}',
      '  do: [{inject_code: {raw: x}}]',
      'b:',
      '  target: example.com/x',
      '  where:',
      '    func: F',
      '    file: {all-of: [{has_func: init}], has_struct: S}',
      '  do: [{inject_code: {raw: x}}]',
      'c:',
      '  target: example.com/x',
      '  where:',
      '    func: F',
      '    file: {has_struct: S, has_package: p}',
      '  do: [{inject_code: {raw: x}}]',
      'd:',
      '  target: example.com/x',
      '  where:',
      '    func: F',
      '    file: {has_directive: "x:y"}',
      '  do: [{inject_code: {raw: x}}]',
      'e:',
      '  target: example.com/x',
      '  do: [{add_file: {file: sub/a.go, path: example.com/h}}]',
    ].join('\n') + '\n', [
      { line: 3, path: 'a.version', message: /invalid version range "1\.0,v2"/ },
      { line: 10, path: 'b.where.file', message: /`all-of` owns its node: it cannot sit beside `has_struct`/ },
      { line: 16, path: 'c.where.file', message: /one predicate per `where\.file` node \(found has_struct, has_package\)/ },
      { line: 22, path: 'd.where.file.has_directive', message: /`has_directive` is not supported/ },
      { line: 26, path: 'e.do[0].add_file.file', message: /must be the name of a \.go file/ },
    ]);
  });
});
