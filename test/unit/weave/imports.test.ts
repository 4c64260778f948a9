import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { guessPackageName } from '../../../src/weave/imports.js';
import { registry } from '../../../src/weave/join-points/index.js';
import type { MatchContext } from '../../../src/weave/join-points/types.js';
import { SourceFile } from '../../../src/weave/source-file.js';
import { parseGo, walkPostOrder, type SyntaxNode } from '../../../src/weave/syntax.js';
import { aspect, jp } from './helpers.js';

async function fileOf(text: string): Promise<SourceFile> {
  const parsed = await parseGo(text);
  assert.equal(parsed.error, null, 'test input must parse');
  return new SourceFile('/src/x.go', text, parsed.root);
}

/** The source text of every call that `function-call: path.name` matches. */
async function matchedCalls(text: string, path: string, name: string, importPath = 'example.com/x'): Promise<string[]> {
  const file = await fileOf(text);
  const spec = jp({ kind: 'function-call', callee: { path, name } });
  const ctx: MatchContext = { file, pkg: { importPath, packageName: 'x', isTestMain: false, moduleRoot: '', toolexecImportPath: importPath }, aspect: aspect('t', spec), types: { file, importPath } };
  const out: string[] = [];
  walkPostOrder(file.root, (n: SyntaxNode) => {
    if (n.type === 'call_expression' && registry.matches(spec, n, ctx)) out.push(file.slice(n));
  });
  return out;
}

describe('import resolution', () => {
  test('names, aliases, dot and blank imports', async () => {
    const f = await fileOf('package x\n\nimport (\n\t"net/http"\n\th2 "net/http"\n\t. "strings"\n\t_ "embed"\n\t"gopkg.in/yaml.v3"\n\t"github.com/go-redis/redis/v9"\n)\n');
    assert.equal(f.imports.byName.get('http'), 'net/http');
    assert.equal(f.imports.byName.get('h2'), 'net/http');
    assert.equal(f.imports.byName.get('yaml'), 'gopkg.in/yaml.v3');
    assert.equal(f.imports.byName.get('redis'), 'github.com/go-redis/redis/v9');
    assert.deepEqual(f.imports.dotImports, ['strings']);
    assert.equal([...f.imports.byName.values()].includes('embed'), false);
  });

  test('guessed package names', () => {
    assert.equal(guessPackageName('net/http'), 'http');
    assert.equal(guessPackageName('github.com/x/y/v2'), 'y');
    assert.equal(guessPackageName('gopkg.in/check.v1'), 'check');
    assert.equal(guessPackageName('github.com/mattn/go-sqlite3'), 'sqlite3');
  });

  test('function-call matches the plain import, an alias and a dot import', async () => {
    assert.deepEqual(await matchedCalls('package x\nimport "net/http"\nfunc f() { http.Get("a"); http.Head("b") }\n', 'net/http', 'Get'), ['http.Get("a")']);
    assert.deepEqual(await matchedCalls('package x\nimport h "net/http"\nfunc f() { h.Get("a") }\n', 'net/http', 'Get'), ['h.Get("a")']);
    assert.deepEqual(await matchedCalls('package x\nimport . "net/http"\nfunc f() { Get("a") }\n', 'net/http', 'Get'), ['Get("a")']);
  });

  test('an import of another package under the same name does not match', async () => {
    assert.deepEqual(await matchedCalls('package x\nimport http "example.com/fake/http"\nfunc f() { http.Get("a") }\n', 'net/http', 'Get'), []);
  });

  test('local declarations shadow the import where they are visible', async () => {
    const src = `package x
import "net/http"
type c struct{}
func (c) Get(string) {}
func a(http c) { http.Get("param") }
func b() {
	http.Get("before")
	http := c{}
	http.Get("short var")
}
func d() {
	for _, http := range []c{} { http.Get("range") }
	if http := (c{}); true { http.Get("if init") }
	var http c
	http.Get("var")
}
func e() {
	{
		http := c{}
		_ = http
	}
	http.Get("after block")
	func(http c) { http.Get("literal param") }(c{})
}
`;
    assert.deepEqual(await matchedCalls(src, 'net/http', 'Get'), ['http.Get("before")', 'http.Get("after block")']);
  });

  test('a call inside the function\'s own package never matches (the package cannot import itself), as in orchestrion', async () => {
    const src = 'package x\nfunc helper() {}\nfunc f() { helper() }\nfunc g(helper func()) { helper() }\n';
    assert.deepEqual(await matchedCalls(src, 'example.com/x', 'helper'), []);
    assert.deepEqual(await matchedCalls(src, 'example.com/other', 'helper'), []);
  });
});
