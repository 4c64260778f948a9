import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanGoHeader } from '../../../src/plan/go-header.js';

const file = `// Copyright line.

//go:build linux && !race

// Package a does things.
package a

/*
#include <stdio.h>
*/
import "C"

import (
	"fmt" // a comment mentioning import ( "os" )
	. "strings"
	_ "embed"
	alias "net/http"
	raw \`path/filepath\`
)

import "os"; import ("io")

func F() { fmt.Println("import (\\"x\\")") }
`;

test('the header ends after the last import declaration and includes constraints, comments and the cgo preamble', () => {
  const h = scanGoHeader(file);
  assert.ok(h !== null);
  assert.ok(h.startsWith('// Copyright line.'));
  assert.ok(h.includes('//go:build linux && !race'));
  assert.ok(h.includes('#include <stdio.h>'));
  assert.ok(h.endsWith('import ("io")'), JSON.stringify(h.slice(-30)));
});

test('a body edit leaves the header as it was; an import, a constraint or the package name changes it', () => {
  const h = scanGoHeader(file);
  assert.equal(scanGoHeader(file.replace('fmt.Println', 'fmt.Print')), h);
  assert.equal(scanGoHeader(`${file}\nfunc G() {}\n`), h);
  assert.notEqual(scanGoHeader(file.replace('"os"', '"os/exec"')), h);
  assert.notEqual(scanGoHeader(file.replace('!race', 'race')), h);
  assert.notEqual(scanGoHeader(file.replace('package a', 'package b')), h);
  assert.notEqual(scanGoHeader(file.replace('#include <stdio.h>', '#include <stdlib.h>')), h);
});

test('a file without imports: the header is the package clause and what precedes it', () => {
  assert.equal(scanGoHeader('package main\n\nfunc main() {}\n'), 'package main');
  assert.equal(scanGoHeader('// doc\npackage p; var x = 1'), '// doc\npackage p');
  assert.equal(scanGoHeader('\uFEFFpackage p\nimport "fmt"\nvar _ = fmt.Sprint'), '\uFEFFpackage p\nimport "fmt"');
});

test('what the scanner cannot read gives null (counted as a changed header)', () => {
  for (const bad of [
    '',
    'func main() {}',
    'package',
    'package main\nimport (\n\t"fmt"\n', // unterminated import block
    'package main\nimport "fmt', // unterminated string
    '/* never closed\npackage main',
    'package main\nimport fmt',
    'package main\nimport ( 42 )',
  ]) {
    assert.equal(scanGoHeader(bad), null, JSON.stringify(bad));
  }
});

test('the headers of the fixture the Go front end checks too (test/fixtures/replay/headers.json)', () => {
  const fixture = JSON.parse(readFileSync(join(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'test', 'fixtures', 'replay', 'headers.json'), 'utf8')) as { cases: { source: string; header: string | null }[] };
  assert.ok(fixture.cases.length >= 20);
  for (const c of fixture.cases) assert.equal(scanGoHeader(c.source), c.header, JSON.stringify(c.source));
});
