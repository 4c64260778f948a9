import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { explainPackage } from '../../../src/weave/explain.js';
import { commandInput, weavePackage } from '../../../src/weave/index.js';

const SOURCE = `package shop

import "fmt"

type Client struct{}
type Other struct{}

func (c *Client) Get(key string) string { return key }

func (o Other) Get(key string) string { return key }

func Get(n int) {}

//weft:ignore
func (c *Client) Put(key string) {}

func use() {
	fmt.Println("x")
	fmt := struct{ Println func(...any) }{}
	fmt.Println("shadowed")
}
`;

const ASPECTS = `meta: {name: explain, description: explain}
aspects:
  - id: client-get
    join-point:
      function-body:
        function:
          - name: Get
          - receiver: '*example.com/shop.Client'
    advice: {prepend-statements: {template: _ = 1}}
  - id: put-sig
    join-point:
      function-body:
        function:
          - receiver: '*example.com/shop.Client'
          - signature: {args: [int]}
    advice: {prepend-statements: {template: _ = 1}}
  - id: only-net-http
    join-point:
      all-of:
        - import-path: net/http
        - function-call: fmt.Println
    advice: {wrap-expression: {template: '{{ . }}'}}
  - id: println
    join-point: {function-call: fmt.Println}
    advice: {wrap-expression: {template: '{{ . }}'}}
  - id: tracer-only
    tracer-internal: true
    join-point: {function-call: fmt.Println}
    advice: {wrap-expression: {template: '{{ . }}'}}
`;

describe('explainPackage', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-explain-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/shop\n\ngo 1.23\n');
    writeFileSync(join(dir, 'shop.go'), SOURCE);
    writeFileSync(join(dir, 'weft.yml'), ASPECTS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function explain(importPath = 'example.com/shop', aspect?: string) {
    const config = await loadConfig(join(dir, 'weft.yml'));
    const input = commandInput(importPath, [join(dir, 'shop.go')]);
    return { e: await explainPackage(input, config, aspect !== undefined ? { aspect } : {}), woven: await weavePackage(input, config) };
  }

  it('a match with file:line, and a wrong receiver, a plain function and an ignored one as reasons', async () => {
    const { e, woven } = await explain('example.com/shop', 'client-get');
    const a = e.aspects[0]!;
    assert.deepEqual(a.matches.map((m) => `${m.line} ${m.what}`), ['8 body of func (*Client) Get']);
    assert.ok(woven.aspects.includes('client-get'), 'the explanation agrees with the weaver');
    const why = Object.fromEntries(a.nearMisses.map((m) => [m.line, m.reason]));
    assert.match(why[10]!, /wants receiver \*example\.com\/shop\.Client, but its receiver is Other \(wrong receiver\)/);
    assert.match(why[12]!, /wants receiver .*, but it is not a method/);
    assert.deepEqual(a.needles[0]!.missing, []);
    assert.equal(a.needles[0]!.passes, true);
  });

  it('a wrong signature, and a directive-ignored node that would otherwise match', async () => {
    const { e } = await explain('example.com/shop', 'put-sig');
    const why = Object.fromEntries(e.aspects[0]!.nearMisses.map((m) => [m.line, m.reason]));
    assert.match(why[8]!, /wants signature \(int\) \(\), but its signature is \(string\) \(string\) \(wrong signature\)/);
    assert.match(why[15]!, /ignored by a \/\/weft:ignore .*wrong signature/);
    assert.equal(e.aspects[0]!.matches.length, 0);
  });

  it('the package verdict, and a call through a shadowing local', async () => {
    const { e } = await explain();
    const net = e.aspects.find((a) => a.aspect === 'only-net-http')!;
    assert.equal(net.packageVerdict, false);
    assert.match(net.packageReason, /rejects the package \(import-path net\/http: no/);
    const p = e.aspects.find((a) => a.aspect === 'println')!;
    assert.deepEqual(p.matches.map((m) => m.line), [18]);
    assert.match(p.nearMisses.find((m) => m.line === 20)!.reason, /not fmt\.Println here/);
  });

  it('tracer-internal scope, and missing needles', async () => {
    const { e } = await explain('github.com/DataDog/dd-trace-go/v2/shop');
    const p = e.aspects.find((a) => a.aspect === 'println')!;
    assert.deepEqual(p.scope, { value: 'tracer-internal', allows: false });
    assert.deepEqual(e.aspects.find((a) => a.aspect === 'tracer-only')!.scope, { value: 'tracer-internal', allows: true });
    const g = e.aspects.find((a) => a.aspect === 'client-get')!;
    // A method's receiver is declared in its own package: the pre-filter rules this package out.
    assert.equal(g.formula, 'false');
    assert.equal(g.needles[0]!.passes, false);
    assert.deepEqual(g.matches, []);
  });

  it('an unknown --aspect is a usage error naming the aspects', async () => {
    await assert.rejects(explain('example.com/shop', 'nope'), /no aspect "nope"/);
  });
});
