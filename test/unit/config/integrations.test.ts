// Build-time switches: weft.yml's `integrations: {enable, disable}` over the aspects of pinned
// packages (a fake locator stands for go list) and of the user's own files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WeftError } from '../../../src/errors.js';
import { loadConfigSet, type LocatedPackage, type PackageLocator, type ResolvedConfig } from '../../../src/config/index.js';
import { formatIntegrations } from '../../../src/cli/explain-config.js';
import { META, writeTemp } from './helpers.js';

const aspect = (id: string, inject: string): string =>
  `  - id: ${id}\n    join-point: {function-call: net/http.Get}\n    advice:\n      wrap-expression:\n        imports: {t: ${inject}}\n        template: t.Wrap({{ . }})\n`;

/** A module with a tool file importing two pinned packages (http and sql integrations) and a weft.yml. */
function moduleWith(weftYml: string | null): { dir: string; locate: PackageLocator } {
  const files: Record<string, string> = {
    'go.mod': 'module example.com/app\n\ngo 1.22\n',
    'orchestrion.tool.go': '//go:build tools\n\npackage tools\n\nimport (\n\t_ "example.com/bundle/contrib/net/http/v2"\n\t_ "example.com/bundle/contrib/database/sql/v2"\n)\n',
    'pkgs/http/orchestrion.yml': `${META}aspects:\n${aspect('http-client', 'example.com/bundle/contrib/net/http/v2/trace')}${aspect('http-server', 'example.com/bundle/contrib/net/http/v2/server')}`,
    'pkgs/sql/orchestrion.yml': `${META}aspects:\n${aspect('sql-open', 'example.com/bundle/contrib/database/sql/v2/trace')}`,
  };
  if (weftYml !== null) files['weft.yml'] = weftYml;
  const dir = writeTemp(files);
  const dirs: Record<string, string> = {
    'example.com/bundle/contrib/net/http/v2': join(dir, 'pkgs/http'),
    'example.com/bundle/contrib/database/sql/v2': join(dir, 'pkgs/sql'),
  };
  const locate: PackageLocator = async (paths) => new Map(paths.map((p): [string, LocatedPackage] => [p, { importPath: p, dir: dirs[p] ?? null, error: dirs[p] ? null : 'not found' }]));
  return { dir, locate };
}

async function load(weftYml: string | null): Promise<ResolvedConfig> {
  const { dir, locate } = moduleWith(weftYml);
  return loadConfigSet({ file: weftYml === null ? null : join(dir, 'weft.yml'), moduleRoot: dir, locate });
}

async function problems(weftYml: string): Promise<string[]> {
  try {
    await load(weftYml);
  } catch (e) {
    assert.ok(e instanceof WeftError && e.code === 'E_CONFIG_INVALID', String(e));
    return e.details ?? [];
  }
  assert.fail('expected E_CONFIG_INVALID');
}

const onOff = (c: ResolvedConfig): string[] => (c.integrations ?? []).map((i) => `${i.on ? 'on' : 'off'} ${i.name}`);

describe('integration switches', () => {
  it('every integration is on without switches, named by its package', async () => {
    const c = await load(null);
    assert.deepEqual(onOff(c), ['on example.com/bundle/contrib/net/http/v2', 'on example.com/bundle/contrib/database/sql/v2']);
    assert.deepEqual(c.aspects.map((a) => a.id), ['http-client', 'http-server', 'sql-open']);
  });

  it('disable by a tail of the package path: its aspects and injected packages leave the configuration, the fingerprint changes', async () => {
    const all = await load(null);
    const c = await load('integrations:\n  disable: [contrib/net/http]\n');
    assert.deepEqual(onOff(c), ['off example.com/bundle/contrib/net/http/v2', 'on example.com/bundle/contrib/database/sql/v2']);
    assert.deepEqual(c.aspects.map((a) => a.id), ['sql-open']);
    assert.deepEqual(c.injectedPackages, ['example.com/bundle/contrib/database/sql/v2/trace']);
    assert.notEqual(c.fingerprint, all.fingerprint);
    const http = c.integrations!.find((i) => !i.on)!;
    assert.match(http.reason, /^disabled by integrations\.disable\[0\] at .*weft\.yml:2$/);
    const report = formatIntegrations(c.integrations!).join('\n');
    assert.match(report, /off example\.com\/bundle\/contrib\/net\/http\/v2 \(2 aspects\): disabled by integrations\.disable\[0\] at .*weft\.yml:2/);
    assert.match(report, /on  example\.com\/bundle\/contrib\/database\/sql\/v2 \(1 aspect\): on by default/);
  });

  it('a single aspect by id: the integration stays on with that aspect off', async () => {
    const c = await load('integrations:\n  disable:\n    - http-server\n');
    assert.deepEqual(c.aspects.map((a) => a.id), ['http-client', 'sql-open']);
    const http = c.integrations![0]!;
    assert.equal(http.on, true);
    assert.equal(http.reason, '1 of 2 aspects off by id');
    assert.match(http.aspectsOff![0]!.reason, /integrations\.disable\[0\] at .*weft\.yml:3/);
    assert.ok(!c.injectedPackages.includes('example.com/bundle/contrib/net/http/v2/server'));
  });

  it('enable keeps only what it names (integrations or aspect ids); disable then removes', async () => {
    const c = await load('integrations:\n  enable: [example.com/bundle/contrib/database/sql/v2, http-client]\n');
    assert.deepEqual(c.aspects.map((a) => a.id), ['http-client', 'sql-open']);
    assert.match(c.integrations![0]!.aspectsOff![0]!.reason, /^not named in integrations\.enable/);
    const d = await load('integrations:\n  enable: [database/sql]\n');
    assert.deepEqual(onOff(d), ['off example.com/bundle/contrib/net/http/v2', 'on example.com/bundle/contrib/database/sql/v2']);
  });

  it('a dotted prefix names a group of aspect ids', async () => {
    const dir = writeTemp({
      'weft.yml': `${META}integrations: {disable: [otel.net/http]}\naspects:\n${aspect('otel.net/http.server', 'example.com/s')}${aspect('otel.net/http.client', 'example.com/c')}${aspect('otel.grpc.server', 'example.com/g')}${aspect('otel.net/httpx', 'example.com/x')}`,
    });
    const c = await loadConfigSet({ file: join(dir, 'weft.yml'), moduleRoot: null });
    assert.deepEqual(c.aspects.map((a) => a.id), ['otel.grpc.server', 'otel.net/httpx']);
    assert.deepEqual(c.integrations![0]!.aspectsOff!.map((a) => a.id), ['otel.net/http.server', 'otel.net/http.client']);
  });

  it('the same switches give the same fingerprint; a different switch a different one', async () => {
    const a = await load('integrations: {disable: [contrib/database/sql]}\n');
    const b = await load('# reformatted\nintegrations:\n  disable:\n    - example.com/bundle/contrib/database/sql/v2\n');
    const c = await load('integrations: {disable: [sql-open, http-server]}\n');
    assert.equal(a.fingerprint, b.fingerprint);
    assert.notEqual(a.fingerprint, c.fingerprint);
  });

  it('rejects unknown names with file, line and the known names', async () => {
    const p = await problems('integrations:\n  disable:\n    - contrib/net/htp\n');
    assert.equal(p.length, 1);
    assert.match(p[0]!, /weft\.yml:3: integrations\.disable\[0\]: no integration or aspect id `contrib\/net\/htp` \(did you mean `contrib\/net\/http`\?\)/);
    assert.match(p[0]!, /known integrations: example\.com\/bundle\/contrib\/net\/http\/v2, example\.com\/bundle\/contrib\/database\/sql\/v2; aspect ids: http-client, http-server, sql-open/);
  });

  it('rejects ambiguous tails, a name in both lists, empty lists and unknown keys', async () => {
    assert.match((await problems('integrations: {disable: [v2]}\n'))[0]!, /`v2` names several integrations/);
    assert.match((await problems('integrations:\n  enable: [sql-open]\n  disable: [sql-open]\n'))[0]!, /weft\.yml:3: .*both enabled and disabled \(also integrations\.enable\[0\]/);
    assert.match((await problems('integrations: {enable: []}\n'))[0]!, /`enable` is empty/);
    assert.match((await problems('integrations: {disabled: [x]}\n'))[0]!, /unknown key `disabled` at integrations — did you mean `disable`\?/);
  });

  it('the user\'s own aspect file is an integration named by its path; switches only count in the configuration file', async () => {
    const dir = writeTemp({
      'weft.yml': `${META}extends: [./more.yml]\nintegrations: {disable: [more.yml]}\naspects:\n${aspect('own', 'example.com/own')}`,
      'more.yml': `${META}integrations: {disable: [own]}\naspects:\n${aspect('more', 'example.com/more')}`,
    });
    await assert.rejects(loadConfigSet({ file: join(dir, 'weft.yml'), moduleRoot: null }), (e: WeftError) => {
      assert.match((e.details ?? []).join('\n'), /more\.yml:4: integrations: `integrations` switches are read from the configuration file only/);
      return true;
    });
  });
});
