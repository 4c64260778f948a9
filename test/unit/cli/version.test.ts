import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/index.js';
import { loadConfig } from '../../../src/config/index.js';

const CONFIG = `meta: {name: v, description: version test}
aspects:
  - id: one
    join-point: {function-call: fmt.Println}
    advice: {wrap-expression: {template: '{{ . }}'}}
`;

describe('weft version', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-version-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/v\n\ngo 1.23\n');
    writeFileSync(join(dir, 'weft.yml'), CONFIG);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function io(cwd: string, env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), env: { ...process.env, WEFT_CONFIG: '', ...env }, cwd } };
  }

  it('prints weft, node, go and the fingerprint of the config a build here would use', async () => {
    const t = io(dir);
    assert.equal(await main(['version'], t.io), 0, t.err.join(''));
    const { fingerprint } = await loadConfig(join(dir, 'weft.yml'));
    const lines = t.out.join('').trimEnd().split('\n');
    assert.match(lines[0]!, /^weft \d+\.\d+\.\d+/);
    assert.equal(lines[1], `node ${process.version}`);
    assert.match(lines[2]!, /^go go1\.\d+/);
    assert.equal(lines[3], `config ${join(dir, 'weft.yml')} (1 aspects) fingerprint ${fingerprint}`);
  });

  it('--json carries the same facts', async () => {
    const t = io(dir);
    assert.equal(await main(['version', '--json'], t.io), 0);
    const j = JSON.parse(t.out.join('')) as Record<string, unknown>;
    assert.equal(j['node'], process.version);
    assert.equal(j['config'], join(dir, 'weft.yml'));
    assert.equal(j['fingerprint'], (await loadConfig(join(dir, 'weft.yml'))).fingerprint);
    assert.deepEqual(j['errors'], []);
  });

  it('an invalid config: the versions still print, the problems go to stderr, exit 2', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, CONFIG.replace("'{{ . }}'", "'{{ . '"));
    const t = io(dir);
    assert.equal(await main(['--config', bad, 'version'], t.io), 2);
    assert.match(t.out.join(''), /^weft .*\nnode .*\ngo .*\nconfig invalid/);
    assert.match(t.err.join(''), /bad\.yml:5: .*advice template does not parse/);
  });

  it('without go on PATH: exit 2, the rest still printed', async () => {
    const t = io(dir, { PATH: '/nonexistent' });
    assert.equal(await main(['version'], t.io), 2);
    assert.match(t.out.join(''), /go unavailable/);
    assert.match(t.err.join(''), /no `go` command on PATH/);
  });
});
