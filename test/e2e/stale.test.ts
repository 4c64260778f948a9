// Never a stale binary (real go, the daemon, the pipeline fixture): a file saved while the
// daemon makes its plan must reach the binary — in the build that raced it (or that build fails
// naming the change) and in every later one, which must not reuse verdicts or woven output of
// the old content.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backdate, copyFixture, hasGo, helloAspect, makeTestEnv, run, runWeft, runWeftGo, waitUntil } from './helpers.js';

describe('a file saved while the daemon plans (weft go, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let runtime = '';
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-stale-out-'));

  before(async () => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('stale', { daemon: true }));
    runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-stale-rt-'));
    chmodSync(runtime, 0o700);
    env = { ...env, XDG_RUNTIME_DIR: runtime, WEFT_DAEMON_IDLE: '5m', WEFT_DAEMON_WATCH: 'off', CI: '' };
    writeFileSync(join(mod, 'weft.yml'), helloAspect());
    backdate(mod);
    const shim = await runWeft(['toolexec-path'], { cwd: mod, env });
    assert.equal(shim.code, 0, shim.stderr);
  });

  after(async () => {
    await runWeft(['daemon', 'stop', '--all'], { cwd: mod, env }).catch(() => undefined);
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    rmSync(runtime, { recursive: true, force: true });
  });

  it('the edit is in the binary of the build that raced it (or that build fails naming it), and in the next one', async () => {
    const gate = join(out, 'in-plan-gate');
    const file = join(mod, 'internal', 'greet', 'greet.go');
    let edited = false;
    const building = runWeftGo(['build', '-o', join(out, 'first'), './cmd/app'], { cwd: mod, env: { ...env, WEFT_TEST_PAUSE_IN_PLAN: gate } });
    // The plan has read and screened every file and waits at the gate: save the woven file now.
    assert.ok(await waitUntil(() => existsSync(`${gate}.reached`), 180_000), 'the plan reached the gate');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"hello, "', '"edited, "'));
    edited = true;
    writeFileSync(gate, '');
    const first = await building;
    assert.ok(edited);
    assert.equal((first.stats as { daemon?: unknown }).daemon !== null, true, 'the daemon served the build');
    if (first.code === 0) {
      assert.match((await run(join(out, 'first'), ['x'], { cwd: mod, env })).stdout, /^edited, x$/m, 'a build that succeeds has the edit');
    } else {
      assert.match(first.stderr, /example\.com\/pipeline\/internal\/greet changed during the build/, first.stderr);
    }
    const second = await runWeftGo(['build', '-o', join(out, 'second'), './cmd/app'], { cwd: mod, env });
    assert.equal(second.code, 0, second.stderr);
    assert.match((await run(join(out, 'second'), ['x'], { cwd: mod, env })).stdout, /^edited, x$/m, `the next build has the edit (plan ${JSON.stringify((second.stats as { daemon?: unknown }).daemon)})`);
  });

  it('a build holding the kept plan sees its snapshot unchanged while another build of the same plan runs', async () => {
    // A builds from the plan and waits before go; the woven file is saved; B re-screens it
    // (same verdict, new weave) and builds. A's go then compiles the overlay's old weave: its
    // check after go must still see the save, whatever B did with the plan.
    const file = join(mod, 'internal', 'greet', 'greet.go');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"[a-z]+, "/, '"before, "'));
    backdate(mod);
    const warm = await runWeftGo(['build', '-o', join(out, 'warm'), './cmd/app'], { cwd: mod, env });
    assert.equal(warm.code, 0, warm.stderr);
    const gate = join(out, 'after-plan-gate');
    let planned = false;
    const holding = runWeftGo(['build', '-o', join(out, 'held'), './cmd/app'], {
      cwd: mod,
      env: { ...env, WEFT_TEST_PAUSE_AFTER_PLAN: gate, WEFT_LOG: 'info' },
      onStderr: (chunk) => {
        if (/overlay build:/.test(chunk)) planned = true;
      },
    });
    assert.ok(await waitUntil(() => planned, 180_000), 'A was planned (an overlay build)');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"before, "', '"after, "'));
    const other = await runWeftGo(['build', '-o', join(out, 'other'), './cmd/app'], { cwd: mod, env });
    assert.equal(other.code, 0, other.stderr);
    assert.match((await run(join(out, 'other'), ['x'], { cwd: mod, env })).stdout, /^after, x$/m);
    writeFileSync(gate, '');
    const held = await holding;
    if (held.code === 0) {
      assert.match((await run(join(out, 'held'), ['x'], { cwd: mod, env })).stdout, /^after, x$/m, 'a build that succeeds has the save');
    } else {
      assert.match(held.stderr, /example\.com\/pipeline\/internal\/greet changed during the build/, held.stderr);
    }
  });
});

describe('a file saved between go list and the plan\'s stamps, in-process (weft go, real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-stale-listed-'));

  before(() => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('stale-listed'));
    writeFileSync(join(mod, 'weft.yml'), helloAspect());
    backdate(mod);
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('Hello moved to a new file after go list listed the package: the build fails naming the package, or its binary is woven; the next build is', async () => {
    const gate = join(out, 'after-list-gate');
    const dir = join(mod, 'internal', 'greet');
    const building = runWeftGo(['build', '-o', join(out, 'first'), './cmd/app'], { cwd: mod, env: { ...env, WEFT_TEST_PAUSE_AFTER_LIST: gate } });
    assert.ok(await waitUntil(() => existsSync(`${gate}.reached`), 180_000), 'the plan reached the gate');
    // go list saw greet.go alone, holding Hello; now Hello lives in a file go list never saw.
    writeFileSync(join(dir, 'greet.go'), 'package greet\n\nimport "strings"\n\nfunc greeting(name string) string {\n\tname = strings.TrimSpace(name)\n\tif name == "" {\n\t\tname = "nobody"\n\t}\n\treturn "hello, " + name\n}\n');
    writeFileSync(join(dir, 'hello.go'), 'package greet\n\n// Hello greets name, trimming blanks.\nfunc Hello(name string) string { return greeting(name) }\n');
    writeFileSync(gate, '');
    const first = await building;
    if (first.code === 0) {
      const r = await run(join(out, 'first'), ['x'], { cwd: mod, env });
      assert.match(r.stderr, /weft: entering Hello/, 'a build that succeeds wove Hello where it now is');
    } else {
      assert.match(first.stderr, /example\.com\/pipeline\/internal\/greet changed during the build/, first.stderr);
    }
    const second = await runWeftGo(['build', '-o', join(out, 'second'), './cmd/app'], { cwd: mod, env });
    assert.equal(second.code, 0, second.stderr);
    const r = await run(join(out, 'second'), ['x'], { cwd: mod, env });
    assert.match(r.stdout, /^hello, x$/m);
    assert.match(r.stderr, /weft: entering Hello/);
  });
});
