// The OpenTelemetry pack's fixture service (test/e2e/fixtures/otel-service) against a real
// backend: Jaeger v1.75.0 (its v2, collector-based binary), built from source in a throw-away
// module with `go get -tool`, receiving OTLP over HTTP and answering through its query API. Heavy:
// Jaeger's module closure is large (its build time is printed as a diagnostic): `go get -tool`
// took 2 min 19 s and the cold build 36 min 43 s of wall time (5 min 17 s of CPU) on the shared
// 2-core VM with a load average of ~40-55 from other builds (2026-12).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, repoRoot, run, runWeftGo } from '../e2e/helpers.js';

const JAEGER = 'github.com/jaegertracing/jaeger/cmd/jaeger@v1.75.0';
const SERVICE = 'otel-service-jaeger';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}

const tag = (s: JaegerSpan, key: string): unknown => s.tags.find((t) => t.key === key)?.value;
const parentOf = (s: JaegerSpan): string => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '';

describe('the OpenTelemetry pack\'s spans in Jaeger v1.75.0 (real go, real Jaeger)', { skip: !hasGo && 'go is not installed' }, () => {
  let toolDir = '';
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let jaeger: ChildProcess | undefined;
  let queryUrl = '';
  let otlpUrl = '';
  let jaegerLog = '';

  before(async () => {
    ({ env, cleanup } = makeTestEnv('otel-jaeger'));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=mod', WEFT_CALL_TIMEOUT: '20m' };
    for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];

    toolDir = mkdtempSync(join(tmpdir(), 'weft-heavy-jaeger-'));
    const init = await run('go', ['mod', 'init', 'example.com/jaeger-tool'], { cwd: toolDir, env });
    assert.equal(init.code, 0, init.stderr);
    const get = await run('go', ['get', '-tool', JAEGER], { cwd: toolDir, env, timeoutMs: 1_200_000 });
    assert.equal(get.code, 0, get.stderr);
    const t0 = Date.now();
    // What `go tool jaeger` builds (and caches), as a binary the test can start and stop.
    const b = await run('go', ['build', '-o', join(toolDir, 'jaeger'), 'github.com/jaegertracing/jaeger/cmd/jaeger'], { cwd: toolDir, env, timeoutMs: 3_600_000 });
    assert.equal(b.code, 0, b.stderr);
    console.log(`# building Jaeger v1.75.0 took ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    const [otlp, query, queryGrpc] = [await freePort(), await freePort(), await freePort()];
    otlpUrl = `http://127.0.0.1:${otlp}`;
    queryUrl = `http://127.0.0.1:${query}`;
    const config = join(toolDir, 'config.yaml');
    writeFileSync(config, [
      'service:',
      '  extensions: [jaeger_storage, jaeger_query]',
      '  pipelines:',
      '    traces:',
      '      receivers: [otlp]',
      '      processors: [batch]',
      '      exporters: [jaeger_storage_exporter]',
      '  telemetry:',
      '    metrics:',
      '      level: none',
      'extensions:',
      '  jaeger_query:',
      '    storage:',
      '      traces: memstore',
      `    http: {endpoint: "127.0.0.1:${query}"}`,
      `    grpc: {endpoint: "127.0.0.1:${queryGrpc}"}`,
      '  jaeger_storage:',
      '    backends:',
      '      memstore:',
      '        memory:',
      '          max_traces: 1000',
      'receivers:',
      '  otlp:',
      '    protocols:',
      `      http: {endpoint: "127.0.0.1:${otlp}"}`,
      'processors:',
      '  batch:',
      'exporters:',
      '  jaeger_storage_exporter:',
      '    trace_storage: memstore',
      '',
    ].join('\n'));
    jaeger = spawn(join(toolDir, 'jaeger'), ['--config', config], { cwd: toolDir, stdio: ['ignore', 'pipe', 'pipe'] });
    jaeger.stdout!.on('data', (c: Buffer) => (jaegerLog += c.toString()));
    jaeger.stderr!.on('data', (c: Buffer) => (jaegerLog += c.toString()));

    dir = copyFixture('otel-service');
    cpSync(join(repoRoot, 'packs', 'otel'), join(dir, 'weft-otel'), { recursive: true });
    const svc = { ...env, GOFLAGS: '-mod=readonly' };
    const dl = await run('go', ['mod', 'download'], { cwd: dir, env: svc, timeoutMs: 600_000 });
    assert.equal(dl.code, 0, dl.stderr);
    const w = await runWeftGo(['build', '-o', join(dir, 'service'), '.'], { cwd: dir, env: svc, timeoutMs: 1_800_000 });
    assert.equal(w.code, 0, w.stderr);

    for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const ok = await fetch(`${queryUrl}/api/services`).then((r) => r.ok, () => false);
      if (ok) break;
      assert.ok(Date.now() < deadline, `Jaeger's query API never answered:\n${jaegerLog}`);
    }
    const r = await run(join(dir, 'service'), ['once'], { cwd: dir, env: { ...svc, OTEL_SERVICE_NAME: SERVICE, OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => {
    jaeger?.kill('SIGKILL');
    cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (toolDir) rmSync(toolDir, { recursive: true, force: true });
  });

  it('Jaeger holds the request\'s trace: client → server → //weft:span → SQL, with the HTTP and gRPC calls under the server', async () => {
    let spans: JaegerSpan[] = [];
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 500))) {
      const res = await fetch(`${queryUrl}/api/traces?service=${SERVICE}&limit=20`);
      const body = (await res.json()) as { data: Array<{ spans: JaegerSpan[] }> | null };
      const trace = (body.data ?? []).find((t) => t.spans.some((s) => s.operationName === 'GET /greet' && tag(s, 'http.response.status_code') === 200));
      if (trace && trace.spans.length >= 8) {
        spans = trace.spans;
        break;
      }
      assert.ok(Date.now() < deadline, `no complete trace in Jaeger: ${JSON.stringify(body).slice(0, 2000)}\n${jaegerLog.slice(-2000)}`);
    }
    const one = (what: string, pred: (s: JaegerSpan) => boolean): JaegerSpan => {
      const s = spans.find(pred);
      assert.ok(s, `no ${what} among ${JSON.stringify(spans.map((x) => x.operationName))}`);
      return s;
    };
    const server = one('GET /greet', (s) => s.operationName === 'GET /greet');
    assert.equal(tag(server, 'span.kind'), 'server');
    const client = one('root client', (s) => s.spanID === parentOf(server));
    assert.equal(client.operationName, 'HTTP GET');
    assert.equal(parentOf(client), '');
    const fn = one('greeting.lookup', (s) => s.operationName === 'greeting.lookup');
    assert.equal(parentOf(fn), server.spanID);
    assert.equal(tag(fn, 'greeting.source'), 'sqlite');
    const query = one('sql.conn.query', (s) => s.operationName === 'sql.conn.query');
    assert.equal(parentOf(query), fn.spanID);
    assert.equal(tag(query, 'db.system.name'), 'sqlite');
    const rpc = one('gRPC client', (s) => s.operationName === 'grpc.health.v1.Health/Check' && tag(s, 'span.kind') === 'client');
    assert.equal(parentOf(rpc), server.spanID);
    const backend = one('GET /backend', (s) => s.operationName === 'GET /backend');
    assert.equal(parentOf(one('client of /backend', (s) => s.spanID === parentOf(backend))), server.spanID);
  });
});
