// Reading orchestrion.tool.go imports the way go/parser's ImportsOnly mode does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseToolFile } from '../../../src/config/index.js';

const paths = (text: string) => {
  const r = parseToolFile(text);
  assert.ok(r.ok, JSON.stringify(r));
  return r.imports.map((i) => `${i.line}:${i.path}`);
};
const failure = (text: string) => {
  const r = parseToolFile(text);
  assert.ok(!r.ok, 'expected a parse error');
  return `${r.line}: ${r.message}`;
};

describe('parseToolFile', () => {
  it('reads grouped, single, named, dot and blank imports after comments and build constraints, in source order', () => {
    const text = [
      '// Copyright header with the word import in it.', // 1
      '', // 2
      '//go:build tools', // 3
      '', // 4
      '/* package fake */ package tools // trailing', // 5
      '', // 6
      'import _ "github.com/DataDog/orchestrion"', // 7
      'import (', // 8
      '\t_ "example.com/a" // integration', // 9
      '\tb "example.com/b"', // 10
      '\t. `example.com/c`', // 11
      '', // 12
      '\t/* block */ "example.com/d"; _ "example.com/e"', // 13
      ')', // 14
      'import "example.com/f"', // 15
      '', // 16
      'var _ = 1 // declarations end the imports', // 17
      'import "example.com/not-an-import"', // 18
    ].join('\n');
    assert.deepEqual(paths(text), [
      '7:github.com/DataDog/orchestrion', '9:example.com/a', '10:example.com/b', '11:example.com/c', '13:example.com/d', '13:example.com/e', '15:example.com/f',
    ]);
  });

  it('a file with no imports is fine', () => {
    assert.deepEqual(paths('package tools\n'), []);
    assert.deepEqual(paths('package tools\n\nimport ()\n'), []);
  });

  it('reports what go/parser would reject, with the line', () => {
    assert.equal(failure('import _ "x"\n'), '1: expected the `package` clause');
    assert.equal(failure('package\n'), '1: expected a package name after `package`');
    assert.equal(failure('package tools\n\nimport (\n\t_ "example.com/a\n)\n'), '4: string literal not terminated');
    assert.equal(failure('package tools\n\nimport (\n\t_ "example.com/a"\n'), '5: import list not closed with `)`');
    assert.equal(failure('package tools\nimport _ example.com/a\n'), '2: expected an import path in quotes');
    assert.equal(failure('package tools\nimport _ ""\n'), '2: empty import path');
    assert.equal(failure('/* unterminated\npackage tools\n'), '1: comment not terminated');
  });
});
