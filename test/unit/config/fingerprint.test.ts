import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONFIG_SCHEMA_VERSION, canonicalAspectText, emptyConfig, loadConfig } from '../../../src/config/index.js';
import { loadText, writeTemp } from './helpers.js';

const BASE = `meta:
  name: base
  description: the base file
aspects:
  - id: get
    join-point:
      all-of:
        - function-call: net/http.Get
        - not: {import-path: example.com/tracing}
    advice:
      - wrap-expression:
          imports: {tracing: example.com/tracing}
          template: "tracing.Observe({{ . }})"
      - prepend-statements:
          namespace: tracing
          order: 1
          template: "_ = 1"
  - id: server
    join-point:
      struct-literal: {type: net/http.Server, match: pointer-only}
    advice:
      inject-declarations:
        links: [example.com/tracing/internal]
        template: "var x int"
`;

async function fp(text: string): Promise<string> {
  return (await loadText(text)).fingerprint;
}

describe('fingerprint', () => {
  it('ignores formatting, comments, key order and meta', async () => {
    const reformatted = `# a comment that changes nothing
meta: {description: "another description", name: renamed}
aspects:
- advice:
  - wrap-expression: {template: "tracing.Observe({{ . }})", imports: {tracing: example.com/tracing}}   # trailing
  - prepend-statements: {template: "_ = 1", order: 1, namespace: tracing}
  join-point: {all-of: [{function-call: net/http.Get}, {not: {import-path: example.com/tracing}}]}
  id: get
- id: server
  join-point: {struct-literal: {match: pointer-only, type: net/http.Server}}
  advice: [{inject-declarations: {template: "var x int", links: [example.com/tracing/internal]}}]
`;
    assert.equal(await fp(reformatted), await fp(BASE));
  });

  it('ignores where the file is and how the aspects are split across extends', async () => {
    const [first, second] = BASE.split('  - id: server\n') as [string, string];
    const dir = writeTemp({
      'root.yml': `meta: {name: r, description: d}\nextends: [./parts/first.yml]\naspects:\n  - id: server\n${second}`,
      'parts/first.yml': first,
    });
    const split = await loadConfig(join(dir, 'root.yml'));
    assert.equal(split.files.length, 2);
    assert.equal(split.fingerprint, await fp(BASE));
  });

  it('changes with every semantic change, each differently', async () => {
    const edits: Array<[string, string]> = [
      ['id: get', 'id: get2'],
      ['net/http.Get', 'net/http.Post'],
      ['import-path: example.com/tracing}', 'import-path: example.com/tracing2}'],
      ['tracing.Observe({{ . }})', 'tracing.Observe( {{ . }} )'],
      ['imports: {tracing: example.com/tracing}', 'imports: {tracing: example.com/tracing, fmt: fmt}'],
      ['namespace: tracing', 'namespace: other'],
      ['order: 1', 'order: 2'],
      ['match: pointer-only', 'match: value-only'],
      ['links: [example.com/tracing/internal]', 'links: [example.com/tracing/other]'],
      ['template: "var x int"', 'template: "var x int"\n        lang: go1.21'],
      ['        - not: {import-path: example.com/tracing}\n', ''],
      // Advice order and aspect order decide weaving order.
      [
        '      - wrap-expression:\n          imports: {tracing: example.com/tracing}\n          template: "tracing.Observe({{ . }})"\n      - prepend-statements:\n          namespace: tracing\n          order: 1\n          template: "_ = 1"\n',
        '      - prepend-statements:\n          namespace: tracing\n          order: 1\n          template: "_ = 1"\n      - wrap-expression:\n          imports: {tracing: example.com/tracing}\n          template: "tracing.Observe({{ . }})"\n',
      ],
    ];
    const seen = new Map<string, string>([[await fp(BASE), 'base']]);
    for (const [from, to] of edits) {
      assert.ok(BASE.includes(from), `edit source missing: ${from}`);
      const f = await fp(BASE.replace(from, to));
      assert.ok(!seen.has(f), `${JSON.stringify(from)} → ${JSON.stringify(to)} gives the same fingerprint as ${seen.get(f)}`);
      seen.set(f, from);
    }
    const [head, rest] = BASE.split('  - id: get\n') as [string, string];
    const [get, server] = rest.split('  - id: server\n') as [string, string];
    const swapped = `${head}  - id: server\n${server}  - id: get\n${get}`;
    assert.ok(!seen.has(await fp(swapped)), 'swapping aspect order must change the fingerprint');
  });

  it('carries the schema version and differs from the empty config', async () => {
    const c = await loadText(BASE);
    assert.match(canonicalAspectText(c.aspects), new RegExp(`"schema":"weft-config/${CONFIG_SCHEMA_VERSION}"`));
    assert.doesNotMatch(canonicalAspectText(c.aspects), /"location"|"line"|"file"/);
    assert.notEqual(c.fingerprint, emptyConfig().fingerprint);
    assert.deepEqual(c.injectedPackages, ['example.com/tracing', 'example.com/tracing/internal']);
  });
});
