// What an injecting build compiles, counted across every process (the outer go, weft's nested go
// runs, the shim) with `strace -f`: the app uses net/http only, its configuration also names
// integrations for gin, grpc and aws, each injecting a package of its own (rt/ginish, rt/grpcish,
// rt/awsish). A build must compile none of those, and no package twice. The fixture's packages
// get a fresh nonce before every build, so each build compiles them (std comes from the run's
// GOCACHE, except in toolexec mode, whose suffix rebuilds it); `common` is needed both by the app
// and by the injected runtime.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILD_MODES, compiledPackages, compiledTwice, copyFixture, hasCommand, hasGo, makeTestEnv, run, weftBin, type StatsJson } from './helpers.js';

const UNUSED = ['example.com/rt/ginish', 'example.com/rt/grpcish', 'example.com/rt/awsish'];
// civis is reached only by go:linkname from woven code inside rt's closure (rt/testingish): its
// init's record says the main package linked it, as orchestrion's build does; sinkhook is reached
// by go:linkname from woven rt/civis/sink, in civis's closure only.
const EXPECTED = 'hello\nGET example.invalid\nrt: recorded [civis sinkhook net/http.NewRequestWithContext greet.Hello]\n';

const noStrace = !hasCommand('strace') && 'strace is not installed (it counts compiles in every process)';

for (const mode of BUILD_MODES) describe(`an injecting build compiles what the woven program links, once [${mode}]`, { skip: (!hasGo && 'go is not installed') || noStrace }, () => {
  let root = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const work = mkdtempSync(join(tmpdir(), 'weft-e2e-compiles-'));

  before(async () => {
    root = copyFixture('inject-unused');
    ({ env, cleanup } = makeTestEnv('inject-compiles'));
    // The shim and type oracle are built outside the counted build (their own go build would
    // count as compiles of std).
    const p = await run(process.execPath, [weftBin, 'prepare'], { cwd: work, env, timeoutMs: 600_000 });
    assert.equal(p.code, 0, p.stderr);
  });
  after(() => {
    cleanup();
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  let compiled: string[] = [];

  it('uses net/http only: none of the other integrations\' packages is compiled, and the binary is instrumented', async () => {
    // Each package counted below gets a source of its own: go keys a compile by its
    // dependencies' export data, not their sources, so a package whose imports' export data is
    // unchanged (rt/hook over rt) would come from the run's shared GOCACHE.
    const nonce = `${mode}-${process.pid}-${Date.now()}`;
    writeFileSync(join(root, 'common', 'nonce.go'), `package common\n\nconst nonce = "${nonce}"\n`);
    for (const [dir, name] of [['rt', 'rt'], [join('rt', 'hook'), 'hook'], [join('app', 'greet'), 'greet']] as const) writeFileSync(join(root, dir, 'weft_test_nonce.go'), `package ${name}\n\nconst testNonce = "${nonce}"\n`);
    const trace = join(work, 'trace');
    const stats = join(work, 'stats.json');
    const bin = join(work, 'app');
    const r = await run('strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-s', '4096', '-o', trace, '--', process.execPath, weftBin, 'go', 'build', '-o', bin, './cmd/app'], {
      cwd: join(root, 'app'),
      env: { ...env, WEFT_MODE: mode === 'overlay' ? 'auto' : mode, WEFT_STATS_JSON: stats },
      // toolexec mode recompiles std under its own suffix: minutes on two busy cores.
      timeoutMs: 900_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(readFileSync(stats, 'utf8')) as StatsJson;
    assert.equal(s.mode?.name, mode, `the ${mode} pipeline ran (${s.mode?.reason})`);
    const out = await run(bin, [], { cwd: work, env });
    assert.equal(out.stdout, EXPECTED);

    assert.ok(existsSync(trace));
    compiled = compiledPackages(readFileSync(trace, 'utf8'));
    for (const p of ['example.com/common', 'example.com/rt', 'example.com/rt/hook', 'example.com/rt/civis', 'example.com/app/greet']) assert.ok(compiled.includes(p), `${p} compiled (the count sees every process): ${compiled.join(' ')}`);
    assert.deepEqual(UNUSED.filter((p) => compiled.includes(p)), [], 'packages only other integrations inject');
  });

  // The injected packages are built by a nested go beside the outer build (toolexec mode: when
  // a compile needs them; planned mode: from the start), and both may reach a package (std in
  // toolexec mode) at the same time: the shim lets one compile and the other copy.
  it('compiles no package twice', () => {
    assert.ok(compiled.length > 0, 'the build above ran');
    assert.deepEqual(compiledTwice(compiled), [], 'packages compiled more than once in one build');
  });
});
