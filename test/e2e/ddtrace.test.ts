// dd-trace-go v2.6.0's own aspects, woven by weft into a service that has no tracing code
// (test/e2e/fixtures/ddtrace-service, which pins the integrations in orchestrion.tool.go as
// orchestrion users do). The binary runs against a mock agent; its spans must have the shape
// dd-trace-go gives them (client → server → //dd:span function → SQL, one trace), its slog
// records must carry the trace ids, and its normalized spans must equal those orchestrion
// v1.8.0 produced for the same fixture (expected-spans.json, written by
// scripts/orchestrion-side-by-side.mjs). The fixture is built once for the whole file.
//
// Needs the modules of the fixture's go.sum: they are downloaded through the Go module proxy
// ($GOPROXY, default proxy.golang.org) when GOMODCACHE lacks them.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runServiceAgainstAgent, type ServiceRun } from './ddtrace-service.js';
import { BUILD_MODES, copyFixture, hasGo, makeTestEnv, repoRoot, run, runWeftGo, type StatsJson } from './helpers.js';
import type { AgentSpan, NormalizedSpan } from './mock-agent.js';

const FIXTURE = 'ddtrace-service';
const expected = JSON.parse(readFileSync(join(repoRoot, 'test', 'e2e', 'fixtures', FIXTURE, 'expected-spans.json'), 'utf8')) as NormalizedSpan[];

function find(spans: readonly AgentSpan[], what: string, pred: (s: AgentSpan) => boolean): AgentSpan {
  const s = spans.find(pred);
  assert.ok(s, `no ${what} span among: ${JSON.stringify(spans.map((x) => `${x.name} ${x.resource} ${x.meta['span.kind'] ?? ''}`))}`);
  return s;
}

// Both pipelines of `weft go` must give the same woven program; each build says which one ran.
// dd-trace-go's woven packages live in the module cache, which go -overlay must not replace: the
// planned pass runs in auto mode and checks that auto plans, saying why (no overlay pass).
for (const mode of BUILD_MODES.filter((m) => m !== 'overlay')) describe(`dd-trace-go v2.6.0 aspects woven by weft (real go, mock agent) [${mode}]`, { skip: !hasGo && 'go is not installed' }, () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let built: { code: number | null; stderr: string; woven: number; stats: StatsJson } | undefined;
  let service: ServiceRun | undefined;

  before(async () => {
    dir = copyFixture(FIXTURE);
    ({ env, cleanup } = makeTestEnv(FIXTURE));
    // The pinned modules come from the module proxy when the module cache lacks them.
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=readonly', WEFT_MODE: mode === 'planned' ? 'auto' : mode, WEFT_CALL_TIMEOUT: '20m' };
    // (The first compile that injects waits for one go list -export of every injectable package:
    // ~800 compiles on a cold GOCACHE, minutes on a busy 2-core machine.)
    const dl = await run('go', ['mod', 'download'], { cwd: dir, env, timeoutMs: 600_000 });
    assert.equal(dl.code, 0, dl.stderr);
    const b = await runWeftGo(['build', '-o', join(dir, 'service'), '.'], { cwd: dir, env, timeoutMs: 1_200_000 });
    built = { code: b.code, stderr: b.stderr, woven: b.stats.woven, stats: b.stats };
    if (b.code === 0) service = await runServiceAgainstAgent(join(dir, 'service'), { cwd: dir, env });
  });
  after(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function ran(): ServiceRun {
    assert.ok(built, 'the build did not run');
    assert.equal(built.code, 0, `weft go build failed:\n${built.stderr}`);
    assert.ok(service, 'the service did not run');
    assert.equal(service.code, 0, `the service failed:\n${service.stderr}`);
    return service;
  }

  it('weft go build of the unchanged fixture weaves the pinned aspects; the service works', () => {
    const s = ran();
    assert.equal(built!.stats.mode?.name, mode);
    if (mode === 'planned') assert.match(built!.stats.mode!.reason, /^auto: no overlay build, \S+ (is woven and lives in the module cache|is decided at compile time)/);
    assert.ok(built && built.woven > 0, 'weft wove nothing');
    assert.equal(s.stdout, 'hello, world\n');
    assert.ok(s.agentRequests.some((r) => r === 'PUT /v0.4/traces' || r === 'POST /v0.4/traces'), `the tracer never sent traces: ${s.agentRequests.join(', ')}`);
  });

  it('the counts that drive the cost stay where they were measured (planned: 493 packages listed, 9 woven, 79 dependents)', { skip: mode !== 'planned' && 'the plan exists in planned mode' }, () => {
    ran();
    const plan = built!.stats.plan!;
    const near = (got: number, measured: number, what: string): void =>
      assert.ok(Math.abs(got - measured) <= Math.ceil(measured * 0.1), `${what}: ${got}, measured ${measured} (±10%)`);
    near(plan.listed, 493, 'packages listed');
    assert.equal(plan.woven, 9, 'packages woven');
    assert.equal(plan.deferred, 0, 'packages decided at compile time');
    near(plan.dependents, 79, 'dependents marked for link deps');
    assert.equal(plan.goListRuns, 1);
    assert.equal(built!.stats.types.batches, 0, 'no join point needed types');
  });

  it('client and server http.request spans are one trace, the client the server\'s parent; the //dd:span function and the SQL query are under the server', () => {
    const { spans } = ran();
    const client = find(spans, 'client http.request', (s) => s.name === 'http.request' && s.meta['span.kind'] === 'client');
    const server = find(spans, 'server http.request', (s) => s.name === 'http.request' && s.meta['span.kind'] === 'server');
    assert.equal(client.parentId, '0', 'the client span is the root');
    assert.equal(server.traceId, client.traceId);
    assert.equal(server.parentId, client.spanId);
    assert.equal(server.resource, 'GET /greet');
    assert.equal(server.meta['http.status_code'], '200');

    const fn = find(spans, '//dd:span lookupGreeting', (s) => s.name === 'lookupGreeting');
    assert.equal(fn.traceId, client.traceId);
    assert.equal(fn.parentId, server.spanId);
    assert.equal(fn.meta['greeting.source'], 'memdb', 'the directive\'s tag');
    assert.equal(fn.meta['function-name'], 'lookupGreeting');

    const query = find(spans, 'SQL query', (s) => s.resource === 'SELECT greeting FROM greetings WHERE name = ?');
    assert.equal(query.type, 'sql');
    assert.equal(query.meta.component, 'database/sql');
    assert.equal(query.traceId, client.traceId);
    assert.equal(query.parentId, fn.spanId);
  });

  it('log/slog records written inside the request carry its trace and span ids', () => {
    const { spans, logs } = ran();
    const server = find(spans, 'server http.request', (s) => s.name === 'http.request' && s.meta['span.kind'] === 'server');
    const rec = logs.find((l) => l.msg === 'greeted');
    assert.ok(rec, `no "greeted" record among ${JSON.stringify(logs)}`);
    assert.equal(rec['dd.span_id'], server.spanId);
    // dd.trace_id is the 128-bit id in hex; its low 64 bits are the span's trace_id.
    const traceId = String(rec['dd.trace_id']);
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.equal(BigInt(`0x${traceId.slice(16)}`).toString(), server.traceId);
  });

  it('the normalized spans equal the ones orchestrion v1.8.0 produced for the same fixture', () => {
    assert.deepEqual(ran().normalized, expected);
  });

  // main_test.go's only use of database/sql is sql.Open, which dd-trace-go's sql.Open aspect
  // replaces with sqltrace.Open: the import must become blank, as orchestrion makes it.
  it('weft go test of the fixture passes', async () => {
    const t = await runWeftGo(['test', '-count=1', '.'], { cwd: dir, env, timeoutMs: 1_200_000 });
    assert.equal(t.code, 0, `${t.stdout}\n${t.stderr}`);
    assert.match(t.stdout, /^ok\s+example\.com\/ddtrace-service\b/m);
    assert.ok(t.stats.woven > 0, 'the test build wove nothing');
  });
});
