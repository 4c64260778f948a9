// Every problem of the configuration — a template that does not parse included — is reported
// before the go command starts, all at once, with exit code 2. A wrapper around go records
// what weft ran, so the test can tell that no build was started.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasCommand, hasGo, makeTestEnv, runWeft } from './helpers.js';

const BROKEN = `meta: {name: broken, description: three problems}
aspects:
  - id: bad-template
    join-point:
      function-body:
        function: [{name: Add}]
    advice:
      prepend-statements:
        template: fmt.Println({{ .Function.Name })
  - id: unknown-key
    join-point:
      function-call: fmt.Println
    advice:
      wrap-expression:
        template: '{{ . }}'
        colour: red
  - id: bad-append
    join-point:
      function-call: fmt.Println
    advice:
      append-args:
        type: any
        values:
          - template: '{{ if }}'
`;

describe('config errors before go starts', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let tmp = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    mod = copyFixture('pipeline');
    tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-config-errors-'));
    ({ env, cleanup } = makeTestEnv('config-errors'));
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('reports a broken template with the other problems, exit 2, and never runs go build', async () => {
    writeFileSync(join(mod, 'weft.yml'), BROKEN);
    // A go that logs its arguments, then runs the real one.
    const realGo = hasCommand('go') ? 'go' : '';
    const log = join(tmp, 'go-calls.log');
    const wrapper = join(tmp, 'go');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec ${realGo} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const r = await runWeft(['go', 'build', './...'], { cwd: mod, env: { ...env, WEFT_GO: wrapper } });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^weft: .*weft\.yml:\d+: 3 problems in .*weft\.yml/m);
    assert.match(r.stderr, /weft\.yml:9: aspects\[0\]\.advice\.prepend-statements: aspect `bad-template`: advice template does not parse: .*unexpected "}"/);
    assert.match(r.stderr, /weft\.yml:\d+: aspects\[1\]\.advice\.wrap-expression: unknown key `colour`/);
    assert.match(r.stderr, /aspect `bad-append`: advice template does not parse: .*missing value for if/);
    // go was asked for its environment (and may have built weft's shim, and listed the packages
    // while the configuration loaded) but never ran the build.
    const calls = existsSync(log) ? readFileSync(log, 'utf8') : '';
    assert.doesNotMatch(calls, /^build\b|-toolexec/m, calls);
    assert.doesNotMatch(r.stderr, /runtime|# /, 'no compile ran');
  });

  it('a valid config still builds', async () => {
    writeFileSync(join(mod, 'weft.yml'), `meta: {name: ok, description: fine}
aspects:
  - id: ok
    join-point:
      function-body:
        function: [{name: Add}]
    advice:
      prepend-statements:
        template: _ = "{{ .Function.Name }}"
`);
    const r = await runWeft(['go', 'build', './...'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
  });
});
