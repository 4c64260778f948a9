// orchestrion's weaving rules in a real build: signature-contains with any listed type, a
// directive carried by the assignment of a function literal, a method call in a package-level
// var initializer whose receiver's type only the type oracle knows (`weft weave` warns there; a
// build decides it), .AST.Fun.Name on a selector call, a dot-imported package named bare, and an
// import whose only use was replaced removed. The binary runs and says what was woven.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasGo, makeTestEnv, run, runWeft, runWeftGo } from './helpers.js';

const MAIN = `package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	. "strings"
)

type offline struct{}

func (offline) RoundTrip(*http.Request) (*http.Response, error) { return nil, errors.New("offline") }

func newClient() *http.Client { return &http.Client{Transport: offline{}} }

var made = newClient()

var req, _ = http.NewRequest("GET", "http://example.invalid/", nil)

var resp, doErr = made.Do(req)

func atoi(s string) (int, error) { return len(s), nil }

func parse(data []byte) (string, error) { return string(data), nil }

func outer(ctx context.Context) {
	//dd:span
	inner := func(c context.Context) { fmt.Println("inner ran") }
	inner(ctx)
}

func main() {
	_, _ = parse([]byte("x"))
	outer(context.Background())
	r := NewReplacer("a", "b")
	n, _ := strconv.Atoi("twelve")
	fmt.Println(r.Replace("abc"), n, doErr != nil, resp == nil)
}
`;

const ASPECTS = `meta:
  name: orchestrion-semantics
  description: orchestrion's rules, one aspect each
aspects:
  - id: contains-any
    join-point:
      all-of:
        - import-path: example.com/sem
        - function-body:
            function:
              - signature-contains:
                  args: [context.Context]
                  returns: [error]
    advice:
      - prepend-statements:
          template: 'println("traced", {{ printf "%q" .Function.Name }})'
  - id: span-literal
    join-point:
      all-of:
        - import-path: example.com/sem
        - function-body:
            all-of:
              - function:
                  - signature-contains:
                      args: [context.Context]
              - directive: dd:span
    advice:
      - prepend-statements:
          template: 'println("span on", {{ printf "%q" .Function.Name }}, {{ .Function.ArgumentOfType "context.Context" }} != nil)'
  - id: package-level-do
    join-point:
      all-of:
        - import-path: example.com/sem
        - method-call:
            receiver: net/http.Client
            name: Do
            match: pointer-only
    advice:
      - wrap-expression:
          imports: {http: net/http}
          template: 'func() (*http.Response, error) { println("do woven"); return {{ . }} }()'
  - id: fun-name
    join-point:
      all-of:
        - import-path: example.com/sem
        - function-call: errors.New
    advice:
      - wrap-expression:
          template: 'func() error { println("calling {{ .AST.Fun.Name }}"); return {{ . }} }()'
  - id: dot-import
    join-point:
      all-of:
        - import-path: example.com/sem
        - function-call: strings.NewReplacer
    advice:
      - wrap-expression:
          imports: {strings: strings}
          template: 'func() *strings.Replacer { println("replacer wrapped"); return {{ . }} }()'
  - id: replaced-import
    join-point:
      all-of:
        - import-path: example.com/sem
        - function-call: strconv.Atoi
    advice:
      - replace-function: example.com/sem.atoi
`;

describe("orchestrion's weaving rules in a real build", { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    mod = mkdtempSync(join(tmpdir(), 'weft-e2e-semantics-'));
    writeFileSync(join(mod, 'go.mod'), 'module example.com/sem\n\ngo 1.22\n');
    writeFileSync(join(mod, 'main.go'), MAIN);
    writeFileSync(join(mod, 'weft.yml'), ASPECTS);
    ({ env, cleanup } = makeTestEnv('semantics'));
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
  });

  it('weft weave decides the package-level call whose receiver only types know, as a build does', async () => {
    const r = await runWeft(['weave', '--config', 'weft.yml', '--import-path', 'example.com/sem', 'main.go'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /not woven/);
    assert.match(r.stdout, /do woven/);
    assert.doesNotMatch(r.stdout, /import[^\n]*"strconv"/, 'the replaced import is removed');
    assert.match(r.stdout, /func\(\) \*Replacer \{/);
  });

  it('a build weaves every rule, the package-level call included, and the binary runs', async () => {
    const b = await runWeftGo(['build', '-o', 'app', '.'], { cwd: mod, env });
    assert.equal(b.code, 0, b.stderr);
    assert.doesNotMatch(b.stderr, /warning/);
    const out = await run(join(mod, 'app'), [], { cwd: mod, env });
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stderr.split('\n');
    for (const want of ['do woven', 'calling New', 'traced RoundTrip', 'traced parse', 'traced outer', 'span on  true', 'replacer wrapped']) {
      assert.ok(lines.includes(want), `missing ${JSON.stringify(want)} in:\n${out.stderr}`);
    }
    // strconv.Atoi("twelve") fails; the local atoi that replaced it counts letters.
    assert.equal(out.stdout, 'inner ran\nbbc 6 true true\n');
  });
});
