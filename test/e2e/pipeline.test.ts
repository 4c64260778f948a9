// The whole pipeline on real go: `weft go …`, the Go shim, the in-process job server and the
// drop-in server, on a fixture module of 11 packages (tests, cgo when gcc exists, assembly).
// The test run's GOCACHE; the fixture is a fresh copy, so its packages compile in the first build.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { childPids, copyFixture, hasGcc, hasGo, helloAspect, makeTestEnv, processesMentioning, run, runWeft, runWeftGo, waitUntil, type RunResult } from './helpers.js';

const FIXTURE_PACKAGES = 11;

function aspectConfig(id: string): string {
  return [
    'meta:',
    `  name: ${id}`,
    '  description: an aspect that matches nothing in the fixture, so only the fingerprint changes',
    'aspects:',
    `  - id: ${id}`,
    '    join-point:',
    '      function-call: example.com/nowhere.Nothing',
    '    advice:',
    '      wrap-expression:',
    '        template: "{{ . }}"',
    '',
  ].join('\n');
}

/** go test prints timings and (cached): take them out before comparing with plain go. */
function normaliseTestOutput(s: string): string {
  return s.replace(/\t[0-9.]+s/g, '\tTIME').replace(/ \(cached\)/g, '').replace(/\(([0-9.]+)s\)/g, '(TIME)');
}

describe('pipeline (real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let shim = '';
  const plain: Record<string, RunResult> = {};
  const out = mkdtempSync(join(tmpdir(), 'weft-e2e-pipeline-out-'));

  async function runBinaries(dir: string): Promise<Record<string, RunResult>> {
    return {
      app: await run(join(dir, 'app'), ['gopher'], { cwd: mod, env }),
      tool: await run(join(dir, 'tool'), ['fail'], { cwd: mod, env }),
    };
  }

  function assertSameBehaviour(got: Record<string, RunResult>): void {
    for (const name of ['app', 'tool']) {
      assert.equal(got[name]!.stdout, plain[name]!.stdout, `${name} stdout`);
      assert.equal(got[name]!.code, plain[name]!.code, `${name} exit code`);
    }
  }

  before(async () => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('pipeline'));
    // This file is about the toolexec pipeline, where every compile asks the server (planned
    // builds have test/e2e/planned.test.ts).
    env = { ...env, WEFT_MODE: 'toolexec' };
    const p = await runWeft(['toolexec-path'], { cwd: mod, env });
    assert.equal(p.code, 0, p.stderr);
    shim = p.stdout.trim();
    const r = await run('go', ['build', '-o', join(out, 'plain') + '/', './...'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    Object.assign(plain, await runBinaries(join(out, 'plain')));
    assert.match(plain['app']!.stdout, /hello, gopher/);
    assert.equal(plain['tool']!.code, 3);
  });

  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('weft go build: same binaries as plain go, and every compile reached the server', async () => {
    const r = await runWeftGo(['build', '-o', join(out, 'weft') + '/', './...'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'weft writes nothing to stdout');
    assertSameBehaviour(await runBinaries(join(out, 'weft')));
    const s = r.stats;
    assert.ok(s.compileRequests >= FIXTURE_PACKAGES, `compile requests: ${s.compileRequests}`);
    assert.equal(s.unchanged, s.compileRequests + s.linkRequests, 'empty config: every request unchanged');
    assert.ok(s.shim !== null);
    assert.equal(s.shim.byToolKind['compile ipc'], s.compileRequests, 'each compile the shim saw was sent to the server');
    assert.equal(s.shim.byToolKind['compile exec'], undefined, 'no compile bypassed the server');
    assert.equal(s.shim.byToolKind['link ipc'], s.linkRequests);
    assert.ok((s.shim.byTool['asm'] ?? 0) > 0, 'the assembly package ran asm through the shim');
    if (hasGcc) assert.ok((s.shim.byTool['cgo'] ?? 0) > 0, 'the cgo package ran cgo through the shim');
  });

  it('a second identical build sends zero compile requests', async () => {
    const r = await runWeftGo(['build', '-o', join(out, 'weft2') + '/', './...'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stats.compileRequests, 0);
    assert.ok((r.stats.shim?.byKind['vfull'] ?? 0) > 0, 'the go command still asked for -V=full');
    assertSameBehaviour(await runBinaries(join(out, 'weft2')));
  });

  it('a config with an aspect: recompiles, weaves greet.Hello, same stdout; going back is served from GOCACHE', async () => {
    writeFileSync(join(mod, 'weft.yml'), helloAspect());
    try {
      const r = await runWeftGo(['build', '-o', join(out, 'weft3') + '/', './...'], { cwd: mod, env });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stats.compileRequests >= FIXTURE_PACKAGES, `compile requests after a config change: ${r.stats.compileRequests}`);
      assert.equal(r.stats.woven, 1, 'exactly the greet package was woven');
      const got = await runBinaries(join(out, 'weft3'));
      assertSameBehaviour(got);
      assert.equal(got['app']!.stderr, 'weft: entering Hello\n');
      // go test -json must run the instrumented test binary too (otelc #1345 shipped a plain one).
      const t = await runWeft(['go', 'test', '-json', '-count=1', './internal/greet'], { cwd: mod, env });
      assert.equal(t.code, 0, t.stderr);
      const outputs = t.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Action: string; Output?: string });
      assert.ok(outputs.some((e) => e.Output?.includes('weft: entering Hello')), 'the woven Hello ran inside the test binary');
      assert.ok(outputs.some((e) => e.Action === 'pass'));
    } finally {
      rmSync(join(mod, 'weft.yml'));
    }
    const back = await runWeftGo(['build', '-o', join(out, 'weft4') + '/', './...'], { cwd: mod, env });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stats.compileRequests, 0);
    const again = await runBinaries(join(out, 'weft4'));
    assertSameBehaviour(again);
    assert.equal(again['app']!.stderr, '', 'the plain (empty-config) archives came back from GOCACHE, not the woven ones');
  });

  it('weft go -C <dir> build from another directory finds the module', async () => {
    const r = await runWeftGo(['-C', mod, 'build', '-o', join(out, 'weftC') + '/', './...'], { cwd: tmpdir(), env });
    assert.equal(r.code, 0, r.stderr);
    assertSameBehaviour(await runBinaries(join(out, 'weftC')));
  });

  it('weft go test ./...: same report and exit code as go test, passing and failing', async () => {
    const g = await run('go', ['test', '-count=1', './...'], { cwd: mod, env });
    const w = await runWeftGo(['test', '-count=1', './...'], { cwd: mod, env });
    assert.equal(w.code, g.code, w.stderr);
    assert.equal(g.code, 0);
    assert.equal(normaliseTestOutput(w.stdout), normaliseTestOutput(g.stdout));
    assert.match(w.stdout, /ok\s+example\.com\/pipeline\/internal\/greet/);
    assert.ok(w.stats.linkRequests >= 1, 'the test binary was linked through the server');

    const failing = join(mod, 'internal', 'strs', 'strs_test.go');
    writeFileSync(failing, 'package strs\n\nimport "testing"\n\nfunc TestBroken(t *testing.T) { t.Fatal("broken on purpose") }\n');
    try {
      const gf = await run('go', ['test', '-count=1', './internal/strs'], { cwd: mod, env });
      const wf = await runWeft(['go', 'test', '-count=1', './internal/strs'], { cwd: mod, env });
      assert.equal(gf.code, 1);
      assert.equal(wf.code, gf.code);
      assert.equal(normaliseTestOutput(wf.stdout), normaliseTestOutput(gf.stdout));
      assert.match(wf.stdout, /--- FAIL: TestBroken/);
    } finally {
      rmSync(failing);
    }
  });

  it('weft go run: program output and go run exit code', async () => {
    const g = await run('go', ['run', './cmd/tool', 'fail'], { cwd: mod, env });
    const w = await runWeft(['go', 'run', './cmd/tool', 'fail'], { cwd: mod, env });
    assert.equal(w.stdout, g.stdout);
    assert.equal(w.stdout, 'tool\n');
    assert.equal(w.code, g.code);
    assert.equal(w.stderr, g.stderr);
  });

  it('a compile error: go\'s own stderr text and exit code', async () => {
    mkdirSync(join(mod, 'internal', 'bad'));
    writeFileSync(join(mod, 'internal', 'bad', 'bad.go'), 'package bad\n\nfunc F() int {\n\treturn "not an int"\n}\n');
    try {
      const g = await run('go', ['build', './internal/bad'], { cwd: mod, env });
      const w = await runWeft(['go', 'build', './internal/bad'], { cwd: mod, env });
      assert.notEqual(g.code, 0);
      assert.equal(w.code, g.code);
      assert.equal(w.stderr, g.stderr);
      assert.match(w.stderr, /bad\.go:4:9/);
    } finally {
      rmSync(join(mod, 'internal', 'bad'), { recursive: true });
    }
  });

  it('drop-in: go build -toolexec=<shim> starts exactly one server for many concurrent shims, which exits with go', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-runtime-'));
    const cfg = join(runtime, 'dropin.yml');
    writeFileSync(cfg, aspectConfig('drop-in'));
    // A new fingerprint recompiles everything, and -p 8 runs many shims at once.
    const denv = { ...env, XDG_RUNTIME_DIR: runtime, WEFT_CONFIG: cfg, WEFT_LOG: 'info' };
    try {
      const r = await run('go', ['build', '-p', '8', `-toolexec=${shim}`, '-o', join(out, 'drop') + '/', './...'], { cwd: mod, env: denv });
      assert.equal(r.code, 0, r.stderr);
      assertSameBehaviour(await runBinaries(join(out, 'drop')));
      const dir = join(runtime, 'weft');
      const logs = readdirSync(dir).filter((f) => f.endsWith('.log'));
      assert.equal(logs.length, 1, `server logs: ${logs.join(', ')}`);
      const log = readFileSync(join(dir, logs[0]!), 'utf8');
      assert.equal(log.match(/listening on/g)?.length, 1, log);
      // The server notices within a poll interval that go is gone and removes its socket.
      const deadline = Date.now() + 10_000;
      while (readdirSync(dir).some((f) => f.endsWith('.sock')) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.sock')), []);
      assert.match(readFileSync(join(dir, logs[0]!), 'utf8'), /exiting: go process \d+ exited/);

      // The same through GOFLAGS, served from GOCACHE (same config: same fingerprint).
      const g = await run('go', ['build', '-o', join(out, 'drop2') + '/', './...'], { cwd: mod, env: { ...denv, GOFLAGS: `-toolexec=${shim}` } });
      assert.equal(g.code, 0, g.stderr);
      assertSameBehaviour(await runBinaries(join(out, 'drop2')));
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });

  it('the server killed mid-build: the build fails fast, naming weft and the socket', async () => {
    writeFileSync(join(mod, 'weft.yml'), aspectConfig('killed'));
    let socket = '';
    let killed = false;
    try {
      const r = await runWeft(['go', 'build', '-p', '1', '-o', join(out, 'killed') + '/', './...'], {
        cwd: mod,
        env: { ...env, WEFT_LOG: 'debug' },
        timeoutMs: 120_000,
        onStderr: (chunk, pid) => {
          const m = /\(socket ([^\s;)]+)/.exec(chunk);
          if (m !== null) socket = m[1]!;
          if (!killed && /weft: compile /.test(chunk)) {
            killed = true;
            process.kill(pid, 'SIGKILL');
          }
        },
      });
      assert.ok(killed, 'a compile request was seen');
      assert.equal(r.signal, 'SIGKILL');
      assert.notEqual(socket, '');
      const shimLine = r.stderr.split('\n').find((l) => l.startsWith('weft: ') && l.includes('job server at ' + socket));
      assert.ok(shimLine !== undefined, `no shim error naming the socket in:\n${r.stderr.slice(-2000)}`);
      assert.ok(r.ms < 110_000, 'go did not hang');
    } finally {
      rmSync(join(mod, 'weft.yml'), { force: true });
      if (socket !== '') rmSync(join(socket, '..'), { recursive: true, force: true });
    }
  });

  it('SIGTERM to weft reaches go; weft exits 128+15 and removes its socket directory', async () => {
    writeFileSync(join(mod, 'weft.yml'), aspectConfig('terminated'));
    const runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-sig-'));
    let sent = false;
    try {
      const r = await runWeft(['go', 'build', '-p', '1', '-o', join(out, 'term') + '/', './...'], {
        cwd: mod,
        env: { ...env, WEFT_LOG: 'debug', XDG_RUNTIME_DIR: runtime },
        timeoutMs: 120_000,
        onStderr: (chunk, pid) => {
          if (!sent && /weft: compile /.test(chunk)) {
            sent = true;
            process.kill(pid, 'SIGTERM');
          }
        },
      });
      assert.ok(sent, 'a compile request was seen');
      assert.equal(r.code, 143, r.stderr.slice(-2000));
      assert.deepEqual(readdirSync(runtime), [], 'the private socket directory is gone');
    } finally {
      rmSync(join(mod, 'weft.yml'), { force: true });
      rmSync(runtime, { recursive: true, force: true });
    }
  });

  /** What a drop-in server or shim of one runtime directory left: files, and processes naming it. */
  async function assertNothingLeft(runtime: string, what: string): Promise<void> {
    const files = (): string[] => {
      const out: string[] = [];
      const walk = (d: string): void => {
        if (!existsSync(d)) return;
        for (const f of readdirSync(d, { withFileTypes: true })) {
          if (f.isDirectory()) walk(join(d, f.name));
          else out.push(join(d, f.name).slice(runtime.length + 1));
        }
      };
      walk(runtime);
      return out.filter((f) => !f.endsWith('.yml'));
    };
    // The server notices go is gone within a poll interval; a loaded machine gets time, not a pass.
    await waitUntil(() => files().length === 0 && processesMentioning(runtime).length === 0 && processesMentioning(shim, mod).length === 0, 30_000);
    assert.deepEqual(files(), [], `${what}: files left in the runtime directory`);
    assert.deepEqual(processesMentioning(runtime), [], `${what}: a weft server still runs`);
    assert.deepEqual(processesMentioning(shim, mod), [], `${what}: a shim still runs`);
  }

  it('drop-in: the runtime directory removed while the server starts, right after it listens and again later: the build succeeds, nothing left behind', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-rmrt-'));
    const dir = join(runtime, 'weft');
    try {
      for (let round = 0; round < 2; round++) {
        const cfg = join(runtime, `round-${round}.yml`);
        writeFileSync(cfg, aspectConfig(`removed-runtime-${round}-${process.pid}`));
        // Each removal waits for its moment: a lock (a server is starting), then a socket (it
        // just listens), then the socket it listens on again after the first removal.
        const moments = ['.lock', '.sock', '.sock'];
        const removed: string[] = [];
        const watcher = setInterval(() => {
          const want = moments[removed.length];
          if (want === undefined || !existsSync(dir)) return;
          const hit = readdirSync(dir).find((f) => f.endsWith(want));
          if (hit === undefined) return;
          rmSync(dir, { recursive: true, force: true });
          removed.push(hit);
        }, 2);
        let r: RunResult;
        try {
          r = await run('go', ['build', '-p', '8', `-toolexec=${shim}`, '-o', join(out, `rmrt${round}`) + '/', './...'], {
            cwd: mod, env: { ...env, XDG_RUNTIME_DIR: runtime, WEFT_CONFIG: cfg }, timeoutMs: 240_000,
          });
        } finally {
          clearInterval(watcher);
        }
        assert.equal(r.code, 0, `round ${round}, removed at ${removed.join(', ')}:\n${r.stderr.slice(-3000)}`);
        assert.ok(removed.length >= 2, `round ${round}: the directory was removed while the server started and while it listened (${removed.join(', ')})`);
        assertSameBehaviour(await runBinaries(join(out, `rmrt${round}`)));
        await assertNothingLeft(runtime, `round ${round}`);
      }
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });

  for (const mode of ['drop-in', 'weft go'] as const) {
    for (const sig of ['SIGINT', 'SIGKILL'] as const) {
      it(`${mode}: go killed with ${sig} mid-build leaves no weft process, socket, lock or state file; the next build is correct`, async () => {
        const runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-kill-'));
        const cfg = join(runtime, 'kill.yml');
        writeFileSync(cfg, aspectConfig(`killed-go-${mode.replace(' ', '-')}-${sig}-${process.pid}`));
        const kenv = { ...env, XDG_RUNTIME_DIR: runtime, WEFT_CONFIG: cfg };
        const build = (name: string, onStderr?: (chunk: string, pid: number) => void): Promise<RunResult> => mode === 'drop-in'
          ? run('go', ['build', '-p', '4', `-toolexec=${shim}`, '-o', join(out, name) + '/', './...'], { cwd: mod, env: kenv, timeoutMs: 240_000 })
          : runWeft(['go', 'build', '-p', '4', '-o', join(out, name) + '/', './...'], { cwd: mod, env: { ...kenv, WEFT_LOG: 'debug' }, timeoutMs: 240_000, ...(onStderr ? { onStderr } : {}) });
        try {
          let killed = 0;
          const kill = (goPid: number): void => {
            if (killed !== 0) return;
            killed = goPid;
            process.kill(goPid, sig);
          };
          let r: RunResult;
          if (mode === 'drop-in') {
            // Kill go once its server has served for a moment (compiles are in flight).
            const dir = join(runtime, 'weft');
            let seen = 0;
            const watcher = setInterval(() => {
              if (seen === 0 && existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.sock'))) seen = Date.now();
              if (seen !== 0 && Date.now() - seen > 300) {
                const m = readdirSync(dir).map((f) => /^drop-(\d+)-/.exec(f)).find((x) => x !== null);
                if (m) kill(Number(m[1]));
              }
            }, 10);
            try {
              r = await build(`kill-${sig}`);
            } finally {
              clearInterval(watcher);
            }
          } else {
            r = await build(`kill-${sig}`, (chunk, weftPid) => {
              if (killed === 0 && /weft: compile /.test(chunk)) {
                const go = childPids(weftPid)[0];
                if (go !== undefined) kill(go);
              }
            });
          }
          assert.notEqual(killed, 0, 'go was killed mid-build');
          assert.notEqual(r.code, 0, 'the killed build did not succeed');
          if (mode === 'weft go') assert.equal(r.code, sig === 'SIGKILL' ? 137 : 130, `weft exits like go did:\n${r.stderr.slice(-2000)}`);
          await assertNothingLeft(runtime, `after ${sig}`);

          const again = await build(`kill-${sig}-again`);
          assert.equal(again.code, 0, again.stderr.slice(-3000));
          assertSameBehaviour(await runBinaries(join(out, `kill-${sig}-again`)));
          await assertNothingLeft(runtime, 'after the next build');
        } finally {
          rmSync(runtime, { recursive: true, force: true });
        }
      });
    }
  }

  it('a worker thread that dies mid-weave fails the compile naming it; nothing half-woven is kept, the next build is woven correctly', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-crash-'));
    const cfg = join(runtime, 'crash.yml');
    // Its own aspect id: a new fingerprint, so neither GOCACHE nor the weave cache has the package.
    const id = `crash-${process.pid}-${Date.now()}`;
    writeFileSync(cfg, helloAspect({ id }));
    const cenv = { ...env, XDG_RUNTIME_DIR: runtime, WEFT_CONFIG: cfg };
    try {
      const r = await runWeft(['go', 'build', '-o', join(out, 'crash') + '/', './...'], { cwd: mod, env: { ...cenv, WEFT_TEST_WORKER_EXIT: 'worker' }, timeoutMs: 240_000 });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /# example\.com\/pipeline\/internal\/greet\nweft: a worker thread died while running worker\.js \(worker exited with code: 70\); the pool replaced it\n  hint: run the build again/);
      assert.equal(existsSync(join(out, 'crash', 'app')), false, 'no binary from the failed build');
      await assertNothingLeft(runtime, 'after the crash');

      const again = await runWeftGo(['build', '-o', join(out, 'crash-again') + '/', './...'], { cwd: mod, env: cenv, timeoutMs: 240_000 });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stats.woven, 1, 'greet was woven this time');
      const got = await runBinaries(join(out, 'crash-again'));
      assertSameBehaviour(got);
      assert.equal(got['app']!.stderr, 'weft: entering Hello\n');
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe('pipeline leaves nothing behind', { skip: !hasGo && 'go is not installed' }, () => {
  it('the private socket directory is removed after weft go', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-rt-'));
    const mod = copyFixture('pipeline');
    const { env, cleanup } = makeTestEnv('pipeline-clean');
    try {
      const r = await runWeft(['go', 'vet', './internal/kv'], { cwd: mod, env: { ...env, XDG_RUNTIME_DIR: runtime } });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readdirSync(runtime), []);
      assert.equal(existsSync(runtime), true);
    } finally {
      cleanup();
      rmSync(runtime, { recursive: true, force: true });
      rmSync(mod, { recursive: true, force: true });
    }
  });
});
