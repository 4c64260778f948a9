// CI Visibility under `weft go test`: a package with a test, the whole dd-trace-go v2.6.0 bundle
// pinned (test/heavy/fixtures/ddtrace-bundle's go.mod, go.sum and tool file), tests run against a
// mock agent that plays the EVP proxy. dd-trace-go's woven `testing` reports a test session, a
// module, a suite and one event per test and subtest to /evp_proxy/v2/api/v2/citestcycle; the
// test compares them with what orchestrion v1.8.0 (built from the same pinned module) reports.
// Then the fixture's gin service (moved to ./service) is built by both tools, which reuse the
// closures their test runs compiled: the packages each linker receives (its -importcfg) and the
// packages each binary holds (`go tool nm`) must be the same sets.
// Heavy: the bundle's CI Visibility closure compiles under weaving.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeftGo, type RunResult } from '../e2e/helpers.js';
import { agentEnv, startMockAgent, type CiEvent } from '../e2e/mock-agent.js';

const FIXTURE = 'ddtrace-bundle';

const LIB = `package lib

// Answer is what the tests check.
func Answer() int { return 42 }
`;

const LIB_TEST = `package lib

import "testing"

func TestAnswer(t *testing.T) {
	if Answer() != 42 {
		t.Fatal("wrong answer")
	}
}

func TestGroup(t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		if Answer() == 0 {
			t.Fatal("zero")
		}
	})
}
`;

/** The WORK directory a `go build -work` printed. */
function workDir(stderr: string): string {
  const m = /^WORK=(\S+)$/m.exec(stderr);
  assert.ok(m, `no WORK= line in:\n${stderr}`);
  return m[1]!;
}

/**
 * The packages given to the linker of a one-binary build: the importcfg of b001, the link action.
 * weft hands the linker a patched copy (importcfg.link.weft) when woven code needs packages the
 * go command did not list; orchestrion edits importcfg.link in place.
 */
function linkedPackages(work: string): string[] {
  const dir = join(work, 'b001');
  const file = existsSync(join(dir, 'importcfg.link.weft')) ? join(dir, 'importcfg.link.weft') : join(dir, 'importcfg.link');
  const pkgs = [...readFileSync(file, 'utf8').matchAll(/^packagefile ([^=]+)=/gm)].map((m) => m[1]!);
  return [...new Set(pkgs)].sort();
}

/** The import path of a function symbol: up to the first dot after the last slash (type arguments dropped). */
function packageOfSymbol(name: string): string | null {
  const plain = name.replace(/\[.*$/s, '');
  if (plain.includes(':')) return null; // type:.eq.… and go:… are the linker's, not a package's
  const slash = plain.lastIndexOf('/');
  const dot = plain.indexOf('.', slash + 1);
  return dot > 0 ? plain.slice(0, dot) : null;
}

/** The packages whose code a binary holds: the packages of its text symbols. */
async function binaryPackages(exe: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const r = await run('go', ['tool', 'nm', exe], { cwd, env, timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  const pkgs = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*[0-9a-f]*\s+[Tt]\s+(\S.*)$/.exec(line);
    const p = m ? packageOfSymbol(m[1]!) : null;
    if (p !== null) pkgs.add(p);
  }
  return [...pkgs].sort();
}

/** What two tools' reports of the same test run must agree on: kind, what it names, status. */
function eventKey(e: CiEvent): string {
  const m = e.meta;
  const status = m['test.status'] ? ` ${m['test.status']}` : '';
  switch (e.type) {
    case 'test':
      return `test ${m['test.suite'] ?? ''} ${m['test.name'] ?? ''}${status}`;
    case 'test_suite_end':
      return `suite ${m['test.suite'] ?? ''}${status}`;
    case 'test_module_end':
      return `module ${m['test.module'] ?? ''}${status}`;
    case 'test_session_end':
      return `session${status}`;
    default:
      return `${e.type} ${e.name} ${e.resource}`;
  }
}

/** Runs the package's tests with `runTests` against a fresh mock agent; the events it received. */
async function ciEventsOf(runTests: (env: NodeJS.ProcessEnv) => Promise<RunResult>, env: NodeJS.ProcessEnv): Promise<{ events: CiEvent[]; run: RunResult }> {
  const agent = await startMockAgent({ evpProxy: true });
  try {
    const r = await runTests({
      ...env,
      ...agentEnv(agent.url, 'civis'),
      DD_CIVISIBILITY_ENABLED: 'true',
      // No git repository here, and the mock agent has no settings or git endpoints.
      DD_CIVISIBILITY_GIT_UPLOAD_ENABLED: 'false',
    });
    // The tracer flushes before the test binary exits, so everything has arrived by now.
    return { events: agent.ciEvents(), run: r };
  } finally {
    await agent.close();
  }
}

describe('CI Visibility test events under weft go test with the dd-trace-go bundle', { skip: !hasGo && 'go is not installed' }, () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(async () => {
    dir = copyFixture(FIXTURE, 'heavy');
    mkdirSync(join(dir, 'service'));
    renameSync(join(dir, 'main.go'), join(dir, 'service', 'main.go'));
    writeFileSync(join(dir, 'lib.go'), LIB);
    writeFileSync(join(dir, 'lib_test.go'), LIB_TEST);
    ({ env, cleanup } = makeTestEnv(`${FIXTURE}-civis`));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=readonly', WEFT_CALL_TIMEOUT: '30m' };
    const dl = await run('go', ['mod', 'download'], { cwd: dir, env, timeoutMs: 900_000 });
    assert.equal(dl.code, 0, dl.stderr);
  });
  const works: string[] = [];
  after(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
    for (const w of works) rmSync(w, { recursive: true, force: true });
  });

  let weftKeys: string[] = [];

  it('reports a session, module, suite and each test and subtest as passed', async () => {
    const { events, run: r } = await ciEventsOf((e) => runWeftGo(['test', '-count=1', './...'], { cwd: dir, env: e, timeoutMs: 2_400_000 }), env);
    assert.equal(r.code, 0, r.stderr);
    weftKeys = events.map(eventKey).sort();
    console.log(`# weft: ${events.length} CI Visibility events: ${JSON.stringify(weftKeys)}`);
    // As orchestrion v1.8.0 reports them: only the session and the tests carry a status.
    assert.deepEqual(weftKeys, [
      'module example.com/ddtrace-bundle',
      'session pass',
      'suite lib_test.go',
      'test lib_test.go TestAnswer pass',
      'test lib_test.go TestGroup pass',
      'test lib_test.go TestGroup/sub pass',
    ]);
  });

  const orchestrion = (): string => join(dir, 'orchestrion-bin');

  it('reports the same events as orchestrion v1.8.0 pinned by the same module', async () => {
    assert.ok(weftKeys.length > 0, 'the weft run reported nothing to compare');
    const b = await run('go', ['build', '-o', orchestrion(), 'github.com/DataDog/orchestrion'], { cwd: dir, env, timeoutMs: 900_000 });
    assert.equal(b.code, 0, b.stderr);
    const { events, run: r } = await ciEventsOf((e) => run(orchestrion(), ['go', 'test', '-count=1', './...'], { cwd: dir, env: e, timeoutMs: 2_400_000 }), env);
    assert.equal(r.code, 0, r.stderr);
    const keys = events.map(eventKey).sort();
    console.log(`# orchestrion: ${events.length} CI Visibility events: ${JSON.stringify(keys)}`);
    assert.deepEqual(weftKeys, keys);
  });

  it('the service\'s linker receives the packages orchestrion v1.8.0\'s does, and both binaries hold the same packages', async () => {
    assert.ok(existsSync(orchestrion()), 'the orchestrion binary was not built');
    const weftExe = join(dir, 'service-weft');
    const w = await runWeftGo(['build', '-work', '-o', weftExe, './service'], { cwd: dir, env, timeoutMs: 2_400_000 });
    works.push(workDir(w.stderr));
    assert.equal(w.code, 0, w.stderr);
    const orchExe = join(dir, 'service-orchestrion');
    const o = await run(orchestrion(), ['go', 'build', '-work', '-o', orchExe, './service'], { cwd: dir, env, timeoutMs: 2_400_000 });
    works.push(workDir(o.stderr));
    assert.equal(o.code, 0, o.stderr);

    const weftLinked = linkedPackages(workDir(w.stderr));
    const orchLinked = linkedPackages(workDir(o.stderr));
    console.log(`# service link: weft ${weftLinked.length} packages, orchestrion ${orchLinked.length}`);
    assert.ok(orchLinked.length > 500, `orchestrion's link received only ${orchLinked.length} packages`);
    assert.deepEqual(weftLinked.filter((p) => !orchLinked.includes(p)), [], 'linked by weft only');
    assert.deepEqual(orchLinked.filter((p) => !weftLinked.includes(p)), [], 'linked by orchestrion only');

    // The same linker input still leaves dead code out: what the binary holds shows what the woven
    // code reaches. dd-trace-go's tracer and profiler aspect files both name their aspect
    // `func main()`; each injects a func init(), and the profiler's (profiler.Start, which reaches
    // klauspost/compress's zstd encoders and with them fse and huff0) is the one a merge by id drops.
    const weftHeld = await binaryPackages(weftExe, env, dir);
    const orchHeld = await binaryPackages(orchExe, env, dir);
    console.log(`# service binary: weft ${weftHeld.length} packages, orchestrion ${orchHeld.length}`);
    assert.ok(orchHeld.includes('github.com/klauspost/compress/huff0'), 'orchestrion\'s service no longer reaches the profiler\'s encoders: the check below proves less');
    assert.deepEqual(weftHeld.filter((p) => !orchHeld.includes(p)), [], 'held by weft\'s binary only');
    assert.deepEqual(orchHeld.filter((p) => !weftHeld.includes(p)), [], 'held by orchestrion\'s binary only');
  });
});
