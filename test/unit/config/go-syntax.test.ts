import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeftError } from '../../../src/errors.js';
import {
  checkImportPath, isGoIdentifier, isGoVersion, parseQualifiedName, parseTypeRef, tryParseTypeRef,
} from '../../../src/config/index.js';
import type { TypeRef } from '../../../src/config/index.js';

const named = (path: string, name: string, text = path === '' ? name : `${path}.${name}`): TypeRef => ({ kind: 'named', path, name, text });

describe('parseTypeRef', () => {
  const table: Array<[string, TypeRef]> = [
    ['error', named('', 'error')],
    ['any', named('', 'any')],
    ['context.Context', named('context', 'Context')],
    ['*net/http.Request', { kind: 'pointer', elem: named('net/http', 'Request'), text: '*net/http.Request' }],
    ['gopkg.in/yaml.v3.Node', named('gopkg.in/yaml.v3', 'Node')],
    ['github.com/elastic/go-elasticsearch.v6.ClientOption', named('github.com/elastic/go-elasticsearch.v6', 'ClientOption')],
    ['[]byte', { kind: 'slice', elem: named('', 'byte'), text: '[]byte' }],
    ['[16]uint8', { kind: 'array', len: '16', elem: named('', 'uint8'), text: '[16]uint8' }],
    ['map[string]any', { kind: 'map', key: named('', 'string'), value: named('', 'any'), text: 'map[string]any' }],
    [' map[ string ] []*net/url.URL ', {
      kind: 'map', key: named('', 'string'),
      value: { kind: 'slice', elem: { kind: 'pointer', elem: named('net/url', 'URL'), text: '*net/url.URL' }, text: '[]*net/url.URL' },
      text: 'map[string][]*net/url.URL',
    }],
    ['...any', { kind: 'variadic', elem: named('', 'any'), text: '...any' }],
    ['chan int', { kind: 'chan', dir: 'both', elem: named('', 'int'), text: 'chan int' }],
    ['chan<- error', { kind: 'chan', dir: 'send', elem: named('', 'error'), text: 'chan<- error' }],
    ['<-chan  struct{}', { kind: 'chan', dir: 'recv', elem: { kind: 'other', text: 'struct{}' }, text: '<-chan struct{}' }],
    ['func(int) error', { kind: 'other', text: 'func(int) error' }],
    ['func(context.Context,  ...any)(bool,error)', { kind: 'other', text: 'func(context.Context, ...any) (bool, error)' }],
    ['func()', { kind: 'other', text: 'func()' }],
    ['interface{}', { kind: 'other', text: 'interface{}' }],
    ['interface {  String()   string }', { kind: 'other', text: 'interface{ String() string }' }],
    ['iter.Seq[string]', { kind: 'named', path: 'iter', name: 'Seq', text: 'iter.Seq[string]', typeArgs: [named('', 'string')] }],
    ['iter.Seq2[int, *net/http.Request]', {
      kind: 'named', path: 'iter', name: 'Seq2', text: 'iter.Seq2[int, *net/http.Request]',
      typeArgs: [named('', 'int'), { kind: 'pointer', elem: named('net/http', 'Request'), text: '*net/http.Request' }],
    }],
    ['(*net/http.Request)', { kind: 'pointer', elem: named('net/http', 'Request'), text: '*net/http.Request' }],
    ['mapper.Thing', named('mapper', 'Thing')],
  ];
  for (const [input, expected] of table) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseTypeRef(input), expected);
    });
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['Request', /not a predeclared type.*qualify/],
    ['*', /expected a type/],
    ['map[string', /expected `\]`/],
    ['[]', /expected a type/],
    ['net//http.Get', /empty element/],
    ['net/http.', /not a Go identifier|not a type name/],
    ['func(int', /expected `\)`/],
    ['interface{', /missing `}`/],
    ['int string', /unexpected `string`/],
    ['[]...int', /only allowed on the last/],
    ['func(...int, string)', /only allowed on the last/],
    ['iter.Seq[]', /empty type argument/],
    ['net/http.func', /not a Go identifier/],
  ];
  for (const [input, message] of invalid) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const r = tryParseTypeRef(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, message);
      assert.throws(() => parseTypeRef(input), (e: unknown) => e instanceof WeftError && e.code === 'E_CONFIG_INVALID');
    });
  }
});

describe('parseQualifiedName', () => {
  it('splits at the last dot after the last slash', () => {
    assert.deepEqual(parseQualifiedName('net/http.Get'), { path: 'net/http', name: 'Get' });
    assert.deepEqual(parseQualifiedName('gopkg.in/yaml.v3.Unmarshal'), { path: 'gopkg.in/yaml.v3', name: 'Unmarshal' });
    assert.deepEqual(parseQualifiedName('fmt.Println'), { path: 'fmt', name: 'Println' });
    assert.deepEqual(parseQualifiedName('github.com/go-chi/chi/v5.NewRouter'), { path: 'github.com/go-chi/chi/v5', name: 'NewRouter' });
  });
  it('rejects a name without a path unless allowed', () => {
    assert.throws(() => parseQualifiedName('Get'), /no package path.*net\/http\.Get/);
    assert.deepEqual(parseQualifiedName('Get', { requirePath: false }), { path: '', name: 'Get' });
  });
  it('rejects pointers, bad names and bad paths', () => {
    assert.throws(() => parseQualifiedName('*net/http.Client'), /pointer/);
    assert.throws(() => parseQualifiedName('net/http.1x'), /not a Go identifier/);
    assert.throws(() => parseQualifiedName('net http.Get'), /invalid package path/);
    assert.throws(() => parseQualifiedName(''), /empty/);
  });
});

describe('Go lexical checks', () => {
  it('checks import paths like the go command', () => {
    for (const ok of ['fmt', 'net/http', 'github.com/a-b/c_d/v2', 'gopkg.in/yaml.v3', 'example.com/x~y+z']) {
      assert.equal(checkImportPath(ok), null, ok);
    }
    for (const bad of ['', '/abs', 'trailing/', 'a//b', './rel', 'a/../b', 'sp ace', 'a/.hidden', 'dot./x', 'ü/x']) {
      assert.notEqual(checkImportPath(bad), null, bad);
    }
  });
  it('checks identifiers and Go versions', () => {
    assert.ok(isGoIdentifier('_x1') && isGoIdentifier('Über'));
    assert.ok(!isGoIdentifier('1x') && !isGoIdentifier('func') && !isGoIdentifier('a-b'));
    assert.ok(isGoVersion('go1.18') && isGoVersion('go1.22.3'));
    assert.ok(!isGoVersion('1.18') && !isGoVersion('go2.0') && !isGoVersion('go1.018'));
  });
});
