import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NAMESPACE } from '../../../src/config/advice/common.js';
import { ADVICE_PARSERS } from '../../../src/config/index.js';
import { adviceOf, strip } from './helpers.js';

const named = (path: string, name: string) => ({ kind: 'named', path, name, text: path === '' ? name : `${path}.${name}` });
const base = { namespace: DEFAULT_NAMESPACE, order: 0 };

describe('advice', () => {
  it('registers every advice kind of the schema', () => {
    assert.deepEqual(Object.keys(ADVICE_PARSERS).sort(), [
      'add-blank-import', 'add-struct-field', 'append-args', 'assign-value', 'inject-declarations',
      'prepend-statements', 'replace-function', 'wrap-expression',
    ]);
  });

  it('prepend-statements with imports, lang, namespace and order', async () => {
    const [a] = await adviceOf([
      'prepend-statements:',
      '  imports: {tracer: example.com/tracer, http: net/http}',
      '  lang: go1.18',
      '  namespace: tracing',
      '  order: -5',
      '  template: |-',
      '    span := tracer.Start()',
      '    defer span.Finish()',
    ].join('\n'));
    assert.deepEqual(strip(a), {
      kind: 'prepend-statements', namespace: 'tracing', order: -5,
      template: { source: 'span := tracer.Start()\ndefer span.Finish()', imports: { tracer: 'example.com/tracer', http: 'net/http' }, lang: 'go1.18' },
    });
  });

  it('wrap-expression defaults: no imports, no lang, default ordering', async () => {
    const [a] = await adviceOf('wrap-expression:\n  template: "wrap({{ . }})"');
    assert.deepEqual(strip(a), { kind: 'wrap-expression', ...base, template: { source: 'wrap({{ . }})', imports: {}, lang: null } });
  });

  it('inject-declarations with links', async () => {
    const [a] = await adviceOf([
      'inject-declarations:',
      '  imports: {context: context}',
      '  links: [example.com/tracer, example.com/tracer/internal]',
      '  template: |',
      '    //go:linkname start example.com/tracer.Start',
      '    func start(context.Context)',
    ].join('\n'));
    assert.deepEqual(strip(a), {
      kind: 'inject-declarations', ...base, links: ['example.com/tracer', 'example.com/tracer/internal'],
      template: { source: '//go:linkname start example.com/tracer.Start\nfunc start(context.Context)\n', imports: { context: 'context' }, lang: null },
    });
  });

  it('add-struct-field', async () => {
    const [a] = await adviceOf('add-struct-field:\n  name: __weft_state\n  type: "*example.com/tracer.State"');
    assert.deepEqual(strip(a), {
      kind: 'add-struct-field', ...base, name: '__weft_state',
      type: { kind: 'pointer', elem: named('example.com/tracer', 'State'), text: '*example.com/tracer.State' },
    });
  });

  it('add-blank-import and replace-function', async () => {
    const advice = await adviceOf('- add-blank-import: unsafe\n- replace-function: example.com/gormtrace.Open');
    assert.deepEqual(strip(advice), [
      { kind: 'add-blank-import', ...base, path: 'unsafe' },
      { kind: 'replace-function', ...base, with: { path: 'example.com/gormtrace', name: 'Open' } },
    ]);
  });

  it('append-args with several values', async () => {
    const [a] = await adviceOf([
      'append-args:',
      '  type: google.golang.org/grpc.DialOption',
      '  values:',
      '    - imports: {grpc: google.golang.org/grpc}',
      '      template: grpc.WithUnaryInterceptor(nil)',
      '    - template: grpc.WithStreamInterceptor(nil)',
      '      imports: {grpc: google.golang.org/grpc}',
      '      lang: go1.21',
    ].join('\n'));
    assert.deepEqual(strip(a), {
      kind: 'append-args', ...base, type: named('google.golang.org/grpc', 'DialOption'),
      values: [
        { source: 'grpc.WithUnaryInterceptor(nil)', imports: { grpc: 'google.golang.org/grpc' }, lang: null },
        { source: 'grpc.WithStreamInterceptor(nil)', imports: { grpc: 'google.golang.org/grpc' }, lang: 'go1.21' },
      ],
    });
  });

  it('assign-value', async () => {
    const [a] = await adviceOf('assign-value:\n  template: "true"');
    assert.deepEqual(strip(a), { kind: 'assign-value', ...base, template: { source: 'true', imports: {}, lang: null } });
  });

  it('keeps advice order and records each advice location', async () => {
    const advice = await adviceOf('- add-blank-import: a/b\n- add-blank-import: c/d\n- add-blank-import: e/f');
    assert.deepEqual(advice.map((a) => a.kind === 'add-blank-import' && a.path), ['a/b', 'c/d', 'e/f']);
    assert.deepEqual(advice.map((a) => a.location.line), [9, 10, 11]);
    assert.deepEqual(advice.map((a) => a.location.path), ['aspects[0].advice[0]', 'aspects[0].advice[1]', 'aspects[0].advice[2]']);
  });
});
