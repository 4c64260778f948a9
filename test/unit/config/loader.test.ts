import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WeftError } from '../../../src/errors.js';
import { emptyConfig, loadConfig } from '../../../src/config/index.js';
import { FIXTURES, META, loadText, strip, writeTemp } from './helpers.js';

describe('loadConfig: documents', () => {
  it('loads a minimal document with one advice given as a mapping', async () => {
    const c = await loadText(`${META}aspects:\n  - id: a\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n`);
    assert.equal(c.aspects.length, 1);
    assert.equal(c.aspects[0]!.id, 'a');
    assert.equal(c.aspects[0]!.advice.length, 1);
    assert.equal(c.files.length, 1);
    assert.match(c.fingerprint, /^[0-9a-f]{64}$/);
  });

  it('accepts meta icon/caveats and tracer-internal', async () => {
    const c = await loadText([
      'meta: {name: x, description: y, icon: cog, caveats: none}',
      'aspects:',
      '  - id: a',
      '    tracer-internal: true',
      '    join-point: {package-name: main}',
      '    advice: [{add-blank-import: unsafe}]',
    ].join('\n'));
    assert.equal(c.aspects.length, 1);
  });

  it('accepts the shape of real orchestrion files: license comment, `---`, schema comment, tracer-internal', async () => {
    const c = await loadText([
      '# Licensed under the Apache License Version 2.0.',
      '---',
      '# yaml-language-server: $schema=https://example.com/schema.json',
      'meta:',
      '  name: example.com/contrib/net/http/v2.Client',
      '  description: HTTP client.',
      '',
      'aspects:',
      '  # Mark internal transports.',
      '  - id: Transport.internal=true',
      '    tracer-internal: true',
      '    join-point:',
      '      all-of:',
      '        - struct-literal:',
      '            type: net/http.Transport',
      '        - one-of:',
      '            - import-path: example.com/tracer # trailing comment',
      '            - import-path: example.com/profiler',
      '    advice:',
      '      - wrap-expression:',
      '          template: |-',
      '            {{- .AST.Type -}}{',
      '              Internal: true,',
      '              {{ range .AST.Elts }}{{ . }},',
      '              {{ end }}',
      '            }',
    ].join('\n'));
    assert.equal(c.aspects.length, 1);
    assert.equal(c.aspects[0]!.location.line, 10);
    const adv = c.aspects[0]!.advice[0]!;
    assert.ok(adv.kind === 'wrap-expression');
    assert.equal(adv.template.source, '{{- .AST.Type -}}{\n  Internal: true,\n  {{ range .AST.Elts }}{{ . }},\n  {{ end }}\n}');
  });

  it('resolves a relative config path against the working directory', async () => {
    const dir = writeTemp({ 'weft.yml': `${META}aspects:\n  - id: a\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n` });
    const prev = process.cwd();
    process.chdir(dir);
    try {
      const c = await loadConfig('weft.yml');
      assert.deepEqual(c.files, [join(dir, 'weft.yml')]);
    } finally {
      process.chdir(prev);
    }
  });

  it('records aspect locations with absolute file, line and path', async () => {
    const dir = writeTemp({ 'weft.yml': `${META}aspects:\n  - id: a\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n\n  - id: b\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n` });
    const c = await loadConfig(join(dir, 'weft.yml'));
    assert.deepEqual(c.aspects.map((a) => a.location), [
      { file: join(dir, 'weft.yml'), line: 5, path: 'aspects[0]' },
      { file: join(dir, 'weft.yml'), line: 9, path: 'aspects[1]' },
    ]);
  });

  it('emptyConfig has no aspects and a stable fingerprint', () => {
    const e = emptyConfig();
    assert.deepEqual([e.files, e.aspects, e.injectedPackages], [[], [], []]);
    assert.equal(e.fingerprint, emptyConfig().fingerprint);
    assert.match(e.fingerprint, /^[0-9a-f]{64}$/);
  });
});

describe('loadConfig: realistic aspect files', () => {
  it('loads the combined integrations through extends', async () => {
    const c = await loadConfig(join(FIXTURES, 'realistic', 'all.yml'));
    assert.deepEqual(c.files.map((f) => f.slice(FIXTURES.length + 1)), [
      'realistic/all.yml', 'realistic/net-http-client.yml', 'realistic/net-http-server.yml',
      'realistic/database-sql.yml', 'realistic/log-slog.yml', 'realistic/span-directive.yml',
    ]);
    assert.deepEqual(c.aspects.map((a) => a.id), [
      'Transport.__weft_tracing', 'Transport.RoundTrip', 'http.Get', 'http.Client literal',
      'serverHandler.ServeHTTP', 'http.HandlerFunc', 'http.Server literal',
      'sql.Open', 'sql.OpenDB', 'sqltrace options', 'DB.QueryContext', 'ctx functions',
      'slog.linkname', 'slog.New', 'testing main', 'vendor filter',
      'weft:span', 'weft:span methods',
    ]);
    assert.deepEqual(c.injectedPackages, [
      'context', 'example.com/weft/tracing', 'example.com/weft/tracing/auto', 'example.com/weft/tracing/sqltrace',
      'net/http', 'regexp', 'unsafe',
    ]);
  });

  it('resolves the shared anchors of the server file', async () => {
    const c = await loadConfig(join(FIXTURES, 'realistic', 'net-http-server.yml'));
    const imports = c.aspects.map((a) => {
      const adv = a.advice[0]!;
      return adv.kind === 'prepend-statements' || adv.kind === 'wrap-expression' ? adv.template.imports : null;
    });
    for (const i of imports) assert.deepEqual(i, { tracing: 'example.com/weft/tracing', http: 'net/http' });
    const lit = c.aspects[2]!.advice[0]!;
    assert.ok(lit.kind === 'wrap-expression' && lit.template.lang === 'go1.18');
  });

  it('parses the directive aspect as orchestrion would', async () => {
    const c = await loadConfig(join(FIXTURES, 'realistic', 'span-directive.yml'));
    const jp = c.aspects[0]!.joinPoint;
    assert.ok(jp.kind === 'function-body' && jp.function.kind === 'all-of');
    assert.deepEqual(strip(jp.function.of[0]), { kind: 'directive', name: 'weft:span' });
    const adv = c.aspects[0]!.advice[0]!;
    assert.ok(adv.kind === 'prepend-statements');
    assert.equal(adv.namespace, 'weft');
    assert.equal(adv.order, -1);
    assert.match(adv.template.source, /^\{\{- \$ctx := \.Function\.ArgumentOfType "context\.Context" -\}\}\n/);
  });
});

describe('loadConfig: anchors, aliases and merge keys', () => {
  it('gives the same model as the written-out file', async () => {
    const a = await loadConfig(join(FIXTURES, 'anchors', 'with-anchors.yml'));
    const b = await loadConfig(join(FIXTURES, 'anchors', 'expanded.yml'));
    assert.deepEqual(strip(a.aspects), strip(b.aspects));
    assert.equal(a.fingerprint, b.fingerprint);
  });

  it('lets explicit keys override merged ones', async () => {
    const a = await loadConfig(join(FIXTURES, 'anchors', 'with-anchors.yml'));
    const prepend = a.aspects[1]!.advice[1]!;
    assert.ok(prepend.kind === 'prepend-statements');
    assert.equal(prepend.template.source, '_ = 1');
    assert.equal(prepend.order, 2);
    assert.deepEqual(prepend.template.imports, { tracing: 'example.com/weft/tracing' });
  });
});

describe('loadConfig: extends', () => {
  it('resolves nested relative extends, loading a file reached twice once', async () => {
    const c = await loadConfig(join(FIXTURES, 'nested', 'root.yml'));
    assert.deepEqual(c.files.map((f) => f.slice(FIXTURES.length + 1)), [
      'nested/root.yml', 'nested/lib/one.yml', 'nested/shared/common.yml', 'nested/lib/two.yml',
    ]);
    // Extended aspects come first, then the file's own (orchestrion's order).
    assert.deepEqual(c.aspects.map((a) => a.id), ['common', 'one', 'two', 'root']);
  });

  it('reports a cycle with the whole chain, at the line that closes it', async () => {
    const a = join(FIXTURES, 'cycle', 'a.yml');
    const b = join(FIXTURES, 'cycle', 'b.yml');
    const c = join(FIXTURES, 'cycle', 'c.yml');
    await assert.rejects(loadConfig(a), (err: unknown) => {
      assert.ok(err instanceof WeftError);
      assert.equal(err.code, 'E_CONFIG_INVALID');
      assert.deepEqual(err.details, [`${c}:3: extends[0]: extends cycle: ${a} → ${b} → ${c} → ${a}; remove one of these extends`]);
      return true;
    });
  });

  it('reports a file extending itself', async () => {
    const dir = writeTemp({ 'weft.yml': `${META}extends: [./weft.yml]\n` });
    await assert.rejects(loadConfig(join(dir, 'weft.yml')), /1 problem in/);
    await assert.rejects(loadConfig(join(dir, 'weft.yml')), (e: WeftError) => /extends cycle: .*weft\.yml → .*weft\.yml/.test(e.details[0] ?? ''));
  });

  it('finds duplicate ids across files', async () => {
    const dir = writeTemp({
      'weft.yml': `${META}extends: [./more/other.yml]\naspects:\n  - id: same\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n`,
      'more/other.yml': `${META}aspects:\n  - id: same\n    join-point: {package-name: main}\n    advice: {add-blank-import: unsafe}\n`,
    });
    await assert.rejects(loadConfig(join(dir, 'weft.yml')), (err: WeftError) => {
      assert.equal(err.code, 'E_CONFIG_INVALID');
      assert.deepEqual(err.details, [
        `${join(dir, 'weft.yml')}:6: aspects[0].id: duplicate aspect id \`same\`, first defined at ${join(dir, 'more/other.yml')}:5; aspect ids must be unique across all loaded files`,
      ]);
      return true;
    });
  });
});

describe('loadConfig: unreadable files', () => {
  it('E_CONFIG_READ names a missing root file and the OS reason', async () => {
    const dir = writeTemp({});
    await assert.rejects(loadConfig(join(dir, 'nope.yml')), (err: WeftError) => {
      assert.equal(err.code, 'E_CONFIG_READ');
      assert.match(err.message, new RegExp(`cannot read config file ${join(dir, 'nope.yml')}.*ENOENT`));
      return true;
    });
  });

  it('E_CONFIG_READ for a missing extends target points at the extends line', async () => {
    const dir = writeTemp({ 'weft.yml': `${META}extends:\n  - ./missing.yml\n` });
    await assert.rejects(loadConfig(join(dir, 'weft.yml')), (err: WeftError) => {
      assert.equal(err.code, 'E_CONFIG_READ');
      assert.match(err.message, /missing\.yml \(extended from .*weft\.yml:5, extends\[0\]\): ENOENT/);
      assert.deepEqual(err.location, { file: join(dir, 'weft.yml'), line: 5 });
      return true;
    });
  });

  it('E_CONFIG_READ when the path is a directory', async () => {
    const dir = writeTemp({ 'sub/x': '' });
    await assert.rejects(loadConfig(join(dir, 'sub')), (err: WeftError) => err.code === 'E_CONFIG_READ' && /EISDIR/.test(err.message));
  });
});
