import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JOIN_POINT_PARSERS } from '../../../src/config/index.js';
import { joinPointOf, strip } from './helpers.js';

const named = (path: string, name: string) => ({ kind: 'named', path, name, text: path === '' ? name : `${path}.${name}` });

describe('join points', () => {
  it('registers every join point kind of the schema', () => {
    assert.deepEqual(Object.keys(JOIN_POINT_PARSERS).sort(), [
      'all-of', 'configuration', 'declaration-of', 'directive', 'function', 'function-body', 'function-call',
      'import-path', 'method-call', 'not', 'one-of', 'package-filter', 'package-name', 'struct-definition',
      'struct-literal', 'test-main', 'value-declaration',
    ]);
  });

  it('function-call', async () => {
    assert.deepEqual(strip(await joinPointOf('function-call: net/http.Get')), {
      kind: 'function-call', callee: { path: 'net/http', name: 'Get' },
    });
  });

  it('function with every option', async () => {
    const jp = await joinPointOf([
      'function:',
      '  - name: ServeHTTP',
      '  - receiver: "*net/http.Server"',
      '  - signature: {args: [net/http.ResponseWriter, "*net/http.Request"], returns: []}',
      '  - signature-contains: {args: [context.Context], returns: [error]}',
      '  - argument-implements: context.Context',
      '  - result-implements: io.Reader',
      '  - final-result-implements: error',
      '  - directive: "weft:span"',
      '  - receiver: true',
    ].join('\n'));
    assert.deepEqual(strip(jp), {
      kind: 'function',
      options: [
        { kind: 'name', name: 'ServeHTTP' },
        { kind: 'receiver', type: { kind: 'pointer', elem: named('net/http', 'Server'), text: '*net/http.Server' } },
        { kind: 'signature', args: [named('net/http', 'ResponseWriter'), { kind: 'pointer', elem: named('net/http', 'Request'), text: '*net/http.Request' }], returns: [] },
        { kind: 'signature-contains', args: [named('context', 'Context')], returns: [named('', 'error')] },
        { kind: 'argument-implements', type: named('context', 'Context') },
        { kind: 'result-implements', type: named('io', 'Reader') },
        { kind: 'final-result-implements', type: named('', 'error') },
        { kind: 'directive', name: 'weft:span' },
        { kind: 'has-receiver', value: true },
      ],
    });
  });

  it('function: empty signature, empty name, legacy receives', async () => {
    const jp = await joinPointOf('function:\n  - name: ""\n  - signature: {}\n  - receives: context.Context');
    assert.deepEqual(strip(jp), {
      kind: 'function',
      options: [
        { kind: 'name', name: '' },
        { kind: 'signature', args: [], returns: [] },
        { kind: 'signature-contains', args: [named('context', 'Context')], returns: [] },
      ],
    });
  });

  it('function: a nested one-of option is distributed into a one-of of functions', async () => {
    const jp = await joinPointOf('function:\n  - receiver: "*example.com/db.Conn"\n  - one-of:\n    - name: Query\n    - name: Exec');
    const recv = { kind: 'receiver', type: { kind: 'pointer', elem: named('example.com/db', 'Conn'), text: '*example.com/db.Conn' } };
    assert.deepEqual(strip(jp), {
      kind: 'one-of',
      of: [
        { kind: 'function', options: [recv, { kind: 'name', name: 'Query' }] },
        { kind: 'function', options: [recv, { kind: 'name', name: 'Exec' }] },
      ],
    });
  });

  it('function-body wraps its inner join point', async () => {
    const jp = await joinPointOf('function-body:\n  function:\n    - name: main');
    assert.deepEqual(strip(jp), { kind: 'function-body', function: { kind: 'function', options: [{ kind: 'name', name: 'main' }] } });
  });

  it('method-call with and without match', async () => {
    assert.deepEqual(strip(await joinPointOf('method-call:\n  receiver: net/http.Client\n  name: Do\n  match: pointer-only')), {
      kind: 'method-call', receiver: named('net/http', 'Client'), name: 'Do', match: 'pointer-only',
    });
    const jp = await joinPointOf('method-call: {receiver: go.uber.org/zap.Logger, name: Info}');
    assert.equal(jp.kind === 'method-call' && jp.match, 'any');
  });

  it('struct-definition', async () => {
    assert.deepEqual(strip(await joinPointOf('struct-definition: github.com/gorilla/mux.Router')), {
      kind: 'struct-definition', type: { path: 'github.com/gorilla/mux', name: 'Router' },
    });
  });

  it('struct-literal with field, with match, and with neither', async () => {
    assert.deepEqual(strip(await joinPointOf('struct-literal: {type: net/http.Server, field: Handler}')), {
      kind: 'struct-literal', type: { path: 'net/http', name: 'Server' }, field: 'Handler', match: 'any',
    });
    assert.deepEqual(strip(await joinPointOf('struct-literal: {type: net/http.Transport, match: value-only}')), {
      kind: 'struct-literal', type: { path: 'net/http', name: 'Transport' }, field: null, match: 'value-only',
    });
    const jp = await joinPointOf('struct-literal: {type: net/http.Transport}');
    assert.equal(jp.kind === 'struct-literal' && jp.match, 'any');
  });

  it('declaration-of and value-declaration', async () => {
    assert.deepEqual(strip(await joinPointOf('declaration-of: log/slog.New')), {
      kind: 'declaration-of', symbol: { path: 'log/slog', name: 'New' },
    });
    assert.deepEqual(strip(await joinPointOf('value-declaration: "*regexp.Regexp"')), {
      kind: 'value-declaration', type: { kind: 'pointer', elem: named('regexp', 'Regexp'), text: '*regexp.Regexp' },
    });
  });

  it('directive, package-name, import-path, test-main', async () => {
    assert.deepEqual(strip(await joinPointOf('directive: "dd:span"')), { kind: 'directive', name: 'dd:span' });
    assert.deepEqual(strip(await joinPointOf('package-name: main')), { kind: 'package-name', name: 'main' });
    assert.deepEqual(strip(await joinPointOf('import-path: github.com/gorilla/mux')), { kind: 'import-path', path: 'github.com/gorilla/mux' });
    assert.deepEqual(strip(await joinPointOf('test-main: true')), { kind: 'test-main', value: true });
    assert.deepEqual(strip(await joinPointOf('test-main: false')), { kind: 'test-main', value: false });
  });

  it('package-filter as a glob and as {pattern, root}', async () => {
    assert.deepEqual(strip(await joinPointOf('package-filter: "github.com/ACME/*/*/my*"')), {
      kind: 'package-filter', pattern: 'github.com/ACME/*/*/my*', root: null,
    });
    assert.deepEqual(strip(await joinPointOf('package-filter: {pattern: "**/internal/*"}')), {
      kind: 'package-filter', pattern: '**/internal/*', root: null,
    });
    assert.deepEqual(strip(await joinPointOf('package-filter: {root: true, pattern: "internal/*"}')), {
      kind: 'package-filter', pattern: 'internal/*', root: '.',
    });
    assert.deepEqual(strip(await joinPointOf('package-filter: {root: true}')), { kind: 'package-filter', pattern: '**', root: '.' });
  });

  it('all-of, one-of and not nest', async () => {
    const jp = await joinPointOf([
      'all-of:',
      '  - one-of:',
      '      - function-call: net/http.Get',
      '      - function-call: net/http.Post',
      '  - not:',
      '      import-path: net/http',
    ].join('\n'));
    assert.deepEqual(strip(jp), {
      kind: 'all-of',
      of: [
        { kind: 'one-of', of: [
          { kind: 'function-call', callee: { path: 'net/http', name: 'Get' } },
          { kind: 'function-call', callee: { path: 'net/http', name: 'Post' } },
        ] },
        { kind: 'not', of: { kind: 'import-path', path: 'net/http' } },
      ],
    });
  });

  it('records the location of nested join points', async () => {
    const jp = await joinPointOf('all-of:\n  - package-name: main\n  - not:\n      test-main: true');
    assert.equal(jp.location.line, 7);
    assert.equal(jp.location.path, 'aspects[0].join-point');
    assert.ok(jp.kind === 'all-of');
    const not = jp.of[1]!;
    assert.equal(not.location.line, 9);
    assert.equal(not.location.path, 'aspects[0].join-point.all-of[1]');
    assert.ok(not.kind === 'not');
    assert.equal(not.of.location.line, 10);
    assert.equal(not.of.location.path, 'aspects[0].join-point.all-of[1].not');
  });
});
