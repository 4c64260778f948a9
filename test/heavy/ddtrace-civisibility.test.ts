// CI Visibility under `weft go test`: a package with a test, the whole dd-trace-go v2.6.0 bundle
// pinned (test/heavy/fixtures/ddtrace-bundle's go.mod, go.sum and tool file), tests run against a
// mock agent that plays the EVP proxy. dd-trace-go's woven `testing` reports a test session, a
// module, a suite and one event per test and subtest to /evp_proxy/v2/api/v2/citestcycle; the
// test compares them with what orchestrion v1.8.0 (built from the same pinned module) reports.
// Heavy: the bundle's CI Visibility closure compiles under weaving.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
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
    rmSync(join(dir, 'main.go'));
    writeFileSync(join(dir, 'lib.go'), LIB);
    writeFileSync(join(dir, 'lib_test.go'), LIB_TEST);
    ({ env, cleanup } = makeTestEnv(`${FIXTURE}-civis`));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=readonly', WEFT_CALL_TIMEOUT: '30m' };
    const dl = await run('go', ['mod', 'download'], { cwd: dir, env, timeoutMs: 900_000 });
    assert.equal(dl.code, 0, dl.stderr);
  });
  after(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
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

  it('reports the same events as orchestrion v1.8.0 pinned by the same module', async () => {
    assert.ok(weftKeys.length > 0, 'the weft run reported nothing to compare');
    const orchestrion = join(dir, 'orchestrion-bin');
    const b = await run('go', ['build', '-o', orchestrion, 'github.com/DataDog/orchestrion'], { cwd: dir, env, timeoutMs: 900_000 });
    assert.equal(b.code, 0, b.stderr);
    const { events, run: r } = await ciEventsOf((e) => run(orchestrion, ['go', 'test', '-count=1', './...'], { cwd: dir, env: e, timeoutMs: 2_400_000 }), env);
    assert.equal(r.code, 0, r.stderr);
    const keys = events.map(eventKey).sort();
    console.log(`# orchestrion: ${events.length} CI Visibility events: ${JSON.stringify(keys)}`);
    assert.deepEqual(weftKeys, keys);
  });
});
