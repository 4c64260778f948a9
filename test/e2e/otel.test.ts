// weft's OpenTelemetry pack (packs/otel) woven into a service that has no tracing code
// (test/e2e/fixtures/otel-service: an HTTP server calling a second endpoint, a gRPC health
// service and SQLite, logging with log/slog; it pins the pack in orchestrion.tool.go and reaches
// it through a relative replace to a copy beside go.mod, as users do until the pack is
// published). The binary exports OTLP over HTTP to a receiver built on OpenTelemetry's own proto
// package (test/e2e/fixtures/otlp-receiver); the spans must have the shape OpenTelemetry's
// instrumentation gives them, one trace across every client → server hop. Everything is built
// once for the whole file, into the run's shared GOCACHE.
//
// Needs the modules of the fixtures' go.sum: downloaded through the Go module proxy ($GOPROXY,
// default proxy.golang.org) when GOMODCACHE lacks them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, repoRoot, run, runWeftGo, type StatsJson } from './helpers.js';
import { buildReceiver, startReceiver, type OtlpSpan, type Receiver } from './otlp-receiver.js';

const FIXTURE = 'otel-service';
const SERVICE = 'otel-service';

interface ServiceRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  spans: OtlpSpan[];
}

function logRecords(stderr: string): Array<Record<string, unknown>> {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function find(spans: readonly OtlpSpan[], what: string, pred: (s: OtlpSpan) => boolean): OtlpSpan {
  const s = spans.find(pred);
  assert.ok(s, `no ${what} span among: ${JSON.stringify(spans.map((x) => `${x.name} ${x.kind} ${String(x.attributes['url.full'] ?? '')}`))}`);
  return s;
}

const kind = (k: string) => `SPAN_KIND_${k}`;

describe('the OpenTelemetry pack woven by weft (real go, OTLP receiver)', { skip: !hasGo && 'go is not installed' }, () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let receiverExe = '';
  let built: { code: number | null; stderr: string; stats: StatsJson } | undefined;
  let plainBuilt: { code: number | null; stderr: string } | undefined;

  before(async () => {
    dir = copyFixture(FIXTURE);
    // The pack's module, where the fixture's replace directive expects it.
    cpSync(join(repoRoot, 'packs', 'otel'), join(dir, 'weft-otel'), { recursive: true });
    ({ env, cleanup } = makeTestEnv(FIXTURE));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=readonly', WEFT_CALL_TIMEOUT: '20m' };
    for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];
    const dl = await run('go', ['mod', 'download'], { cwd: dir, env, timeoutMs: 600_000 });
    assert.equal(dl.code, 0, dl.stderr);
    let t0 = Date.now();
    receiverExe = await buildReceiver(env);
    const took = (what: string): void => {
      // Where the file's time goes (the builds dominate; a cold GOCACHE compiles gRPC and modernc's SQLite).
      console.log(`# ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      t0 = Date.now();
    };
    took('go build of the OTLP receiver');
    const b = await runWeftGo(['build', '-o', join(dir, 'service'), '.'], { cwd: dir, env, timeoutMs: 1_200_000 });
    built = { code: b.code, stderr: b.stderr, stats: b.stats };
    took(`weft go build of the service (${b.stats.mode?.name ?? '?'} mode)`);
    const p = await runWeftGo(['build', '-o', join(dir, 'plain'), './cmd/plain'], { cwd: dir, env, timeoutMs: 600_000 });
    plainBuilt = { code: p.code, stderr: p.stderr };
    took('weft go build of ./cmd/plain');
  });
  after(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
    if (receiverExe) rmSync(dirname(receiverExe), { recursive: true, force: true });
  });

  function service(): string {
    assert.ok(built, 'the build did not run');
    assert.equal(built.code, 0, `weft go build failed:\n${built.stderr}`);
    return join(dir, 'service');
  }

  /**
   * Runs the service in `mode` against a fresh receiver. For the serving modes, `whileServing` gets
   * the service's base URL once it listens, then the service receives SIGTERM.
   */
  async function runService(exe: string, mode: string | null, extraEnv: NodeJS.ProcessEnv = {}, whileServing?: (base: string) => Promise<void>): Promise<ServiceRun> {
    const receiver: Receiver = await startReceiver(receiverExe);
    try {
      const childEnv = { ...env, OTEL_SERVICE_NAME: SERVICE, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '60000', ...extraEnv };
      const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(exe, mode === null ? [] : [mode], { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        let served = false;
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /^listening (\S+)$/m.exec(out);
          if (m && whileServing && !served) {
            served = true;
            whileServing(m[1]!).then(
              () => child.kill('SIGTERM'),
              (e: unknown) => {
                child.kill('SIGKILL');
                reject(e instanceof Error ? e : new Error(String(e)));
              },
            );
          }
        });
        child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.once('error', reject);
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout: out, stderr: err });
        });
      });
      // The batch delay is a minute: whatever arrived was flushed by the end of the program.
      // A short grace covers a request still being decoded by the receiver.
      const spans = await receiver.waitForSpans(1, 1_000);
      return { ...r, spans };
    } finally {
      receiver.close();
    }
  }

  let onceRun: Promise<ServiceRun> | undefined;
  const once = (): Promise<ServiceRun> => (onceRun ??= runService(service(), 'once'));

  it('weft go build of the unchanged fixture weaves the pack; the service works', async () => {
    const r = await once();
    assert.ok(built!.stats.woven > 0, 'weft wove nothing');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '200 hello, world!\n404 no greeting for that name\n');
  });

  it('client → server → //weft:span → SQL, and the server\'s HTTP and gRPC calls, are one trace with OpenTelemetry\'s span shapes', async () => {
    const { spans } = await once();
    const client = find(spans, 'root HTTP client', (s) => s.kind === kind('CLIENT') && s.parentSpanId === '' && String(s.attributes['url.full']).endsWith('/greet?name=world'));
    assert.equal(client.name, 'HTTP GET');
    assert.equal(client.scope, 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp');
    assert.equal(client.attributes['http.request.method'], 'GET');
    assert.equal(client.attributes['http.response.status_code'], 200);
    assert.equal(client.resource['service.name'], SERVICE);

    const server = find(spans, 'GET /greet server', (s) => s.kind === kind('SERVER') && s.parentSpanId === client.spanId);
    assert.equal(server.name, 'GET /greet');
    assert.equal(server.traceId, client.traceId);
    assert.equal(server.attributes['http.request.method'], 'GET');
    assert.equal(server.attributes['http.response.status_code'], 200);
    assert.equal(server.attributes['url.path'], '/greet');
    assert.equal(server.statusCode, 'STATUS_CODE_UNSET');

    const fn = find(spans, '//weft:span greeting.lookup', (s) => s.name === 'greeting.lookup' && s.parentSpanId === server.spanId);
    assert.equal(fn.kind, kind('INTERNAL'));
    assert.equal(fn.traceId, client.traceId);
    assert.equal(fn.attributes['greeting.source'], 'sqlite', 'the directive\'s key=value');
    assert.equal(fn.attributes['code.function.name'], 'lookupGreeting');
    assert.equal(fn.statusCode, 'STATUS_CODE_UNSET');

    const query = find(spans, 'SQL query', (s) => s.parentSpanId === fn.spanId);
    assert.equal(query.name, 'sql.conn.query');
    assert.equal(query.kind, kind('CLIENT'));
    assert.equal(query.attributes['db.system.name'], 'sqlite');
    assert.equal(query.attributes['db.query.text'], 'SELECT greeting FROM greetings WHERE name = ?');

    const inner = find(spans, 'client of /backend', (s) => s.kind === kind('CLIENT') && s.parentSpanId === server.spanId && String(s.attributes['url.full']).endsWith('/backend'));
    const backend = find(spans, 'GET /backend server', (s) => s.kind === kind('SERVER') && s.parentSpanId === inner.spanId);
    assert.equal(backend.name, 'GET /backend');
    assert.equal(backend.traceId, client.traceId);

    const rpcClient = find(spans, 'gRPC client', (s) => s.kind === kind('CLIENT') && s.parentSpanId === server.spanId && s.name === 'grpc.health.v1.Health/Check');
    assert.equal(rpcClient.attributes['rpc.system.name'], 'grpc');
    const rpcServer = find(spans, 'gRPC server', (s) => s.kind === kind('SERVER') && s.parentSpanId === rpcClient.spanId);
    assert.equal(rpcServer.name, 'grpc.health.v1.Health/Check');
    assert.equal(rpcServer.traceId, client.traceId);
    assert.equal(rpcServer.attributes['rpc.response.status_code'], 'OK');

    // Each request is traced once: no span is doubled by two layers of instrumentation.
    const inTrace = spans.filter((s) => s.traceId === client.traceId).map((s) => `${s.kind} ${s.name}`).sort();
    assert.deepEqual(inTrace, [
      'SPAN_KIND_CLIENT HTTP GET', 'SPAN_KIND_CLIENT HTTP GET', 'SPAN_KIND_CLIENT grpc.health.v1.Health/Check', 'SPAN_KIND_CLIENT sql.conn.query',
      'SPAN_KIND_INTERNAL greeting.lookup', 'SPAN_KIND_SERVER GET /backend', 'SPAN_KIND_SERVER GET /greet', 'SPAN_KIND_SERVER grpc.health.v1.Health/Check',
    ]);
  });

  it('the //weft:span function\'s error result is recorded; the 404 is a client error, not a server one', async () => {
    const { spans } = await once();
    const client = find(spans, 'client of the unknown name', (s) => s.kind === kind('CLIENT') && s.parentSpanId === '' && String(s.attributes['url.full']).endsWith('/greet?name=nobody'));
    assert.equal(client.statusCode, 'STATUS_CODE_ERROR');
    const server = find(spans, 'its server span', (s) => s.kind === kind('SERVER') && s.parentSpanId === client.spanId);
    assert.equal(server.attributes['http.response.status_code'], 404);
    assert.equal(server.statusCode, 'STATUS_CODE_UNSET');
    const fn = find(spans, 'its //weft:span', (s) => s.name === 'greeting.lookup' && s.parentSpanId === server.spanId);
    assert.equal(fn.statusCode, 'STATUS_CODE_ERROR');
    assert.equal(fn.statusMessage, 'no greeting for that name');
    const ev = (fn.events ?? []).find((e) => e.name === 'exception');
    assert.ok(ev, `no exception event on ${JSON.stringify(fn)}`);
    assert.equal(ev.attributes['exception.message'], 'no greeting for that name');
  });

  it('log/slog records written inside the request carry its trace and span ids', async () => {
    const { spans, stderr } = await once();
    const server = find(spans, 'GET /greet server', (s) => s.name === 'GET /greet' && s.attributes['http.response.status_code'] === 200);
    const rec = logRecords(stderr).find((l) => l.msg === 'greeted');
    assert.ok(rec, `no "greeted" record in ${stderr}`);
    assert.equal(rec.trace_id, server.traceId);
    assert.equal(rec.span_id, server.spanId);
    assert.equal(rec.name, 'world');
  });

  it('a server, client and gRPC connection wrapped by hand with otelhttp and otelgrpc are not wrapped again', async () => {
    const r = await runService(service(), 'wrapped');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '200 hello, world!\n');
    const root = find(r.spans, 'root HTTP client', (s) => s.parentSpanId === '' && s.kind === kind('CLIENT') && s.name === 'HTTP GET');
    const count = (k: string, name: string): number => r.spans.filter((s) => s.traceId === root.traceId && s.kind === kind(k) && s.name === name).length;
    // A second wrapper around the program's otelhttp handler would add an outer server span per
    // request (named `GET`: the route is set on the inner handler's copy of the request).
    const servers = r.spans.filter((s) => s.traceId === root.traceId && s.kind === kind('SERVER') && s.scope.endsWith('/otelhttp')).map((s) => s.name).sort();
    assert.deepEqual(servers, ['GET /backend', 'GET /greet']);
    assert.equal(count('CLIENT', 'HTTP GET'), 2, 'the root request and the call to /backend, once each');
    assert.equal(count('CLIENT', 'grpc.health.v1.Health/Check'), 1);
    assert.equal(count('SERVER', 'grpc.health.v1.Health/Check'), 1);
  });

  it('OTEL_TRACES_EXPORTER=console prints the spans on stdout and sends none', async () => {
    const r = await runService(service(), 'once', { OTEL_TRACES_EXPORTER: 'console' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('200 hello, world!\n404 no greeting for that name\n'), r.stdout);
    const printed = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { Name: string; SpanKind: number });
    assert.ok(printed.some((s) => s.Name === 'GET /greet'), r.stdout);
    assert.ok(printed.some((s) => s.Name === 'greeting.lookup'), r.stdout);
    assert.deepEqual(r.spans, []);
  });

  it('OTEL_SDK_DISABLED=true: the service behaves the same, nothing is sent, logs carry no ids', async () => {
    const r = await runService(service(), 'once', { OTEL_SDK_DISABLED: 'true' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '200 hello, world!\n404 no greeting for that name\n');
    assert.deepEqual(r.spans, []);
    const rec = logRecords(r.stderr).find((l) => l.msg === 'greeted');
    assert.ok(rec, r.stderr);
    assert.equal(rec.trace_id, undefined);
  });

  it('os.Exit flushes first: the spans of the request served before it arrive', async () => {
    const r = await runService(service(), 'exit');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '200 hello, world!\n');
    find(r.spans, 'GET /greet server', (s) => s.name === 'GET /greet' && s.kind === kind('SERVER'));
    find(r.spans, 'greeting.lookup', (s) => s.name === 'greeting.lookup');
  });

  async function greet(base: string): Promise<void> {
    const res = await fetch(`${base}/greet?name=world`);
    assert.equal(await res.text(), 'hello, world!\n');
  }

  it('SIGTERM to a service with no signal handling: the spans of requests served arrive, then it dies of SIGTERM as before', async () => {
    const r = await runService(service(), 'serve', {}, greet);
    assert.equal(r.signal, 'SIGTERM', `exit ${r.code} ${r.signal}\n${r.stderr}`);
    const server = find(r.spans, 'GET /greet server', (s) => s.name === 'GET /greet' && s.kind === kind('SERVER'));
    assert.equal(server.parentSpanId, '', 'the request came from outside, untraced');
    find(r.spans, 'GET /backend server', (s) => s.name === 'GET /backend' && s.traceId === server.traceId);
  });

  it('SIGTERM to a service that handles it itself: it is not killed, shuts down its own way, and the spans arrive', async () => {
    const r = await runService(service(), 'graceful', {}, greet);
    assert.equal(r.code, 0, `exit ${r.code} ${r.signal}\n${r.stderr}`);
    assert.match(r.stdout, /\nshutting down\n$/);
    find(r.spans, 'GET /greet server', (s) => s.name === 'GET /greet' && s.kind === kind('SERVER'));
  });

  it('a program without HTTP, gRPC or SQL code behaves as plain go builds it and exports no spans', async () => {
    assert.ok(plainBuilt);
    assert.equal(plainBuilt.code, 0, plainBuilt.stderr);
    const ref = await run('go', ['build', '-o', join(dir, 'plain-ref'), './cmd/plain'], { cwd: dir, env, timeoutMs: 300_000 });
    assert.equal(ref.code, 0, ref.stderr);
    const expected = await runService(join(dir, 'plain-ref'), 'x');
    const woven = await runService(join(dir, 'plain'), 'x');
    assert.deepEqual({ code: woven.code, stdout: woven.stdout, stderr: woven.stderr }, { code: expected.code, stdout: expected.stdout, stderr: expected.stderr });
    assert.equal(woven.code, 4);
    assert.deepEqual(woven.spans, []);
  });

  it('the pack\'s own Go tests pass (plain go test in its module)', async () => {
    const t = await run('go', ['test', '-count=1', './...'], { cwd: join(dir, 'weft-otel'), env, timeoutMs: 600_000 });
    assert.equal(t.code, 0, `${t.stdout}\n${t.stderr}`);
    assert.match(t.stdout, /^ok\s+github\.com\/weft-dev\/weft\/packs\/otel\b/m);
  });

  it('weft go test of the fixture passes', async () => {
    const t = await runWeftGo(['test', '-count=1', '.'], { cwd: dir, env, timeoutMs: 1_200_000 });
    console.log(`# weft go test: ${(t.ms / 1000).toFixed(1)} s`);
    assert.equal(t.code, 0, `${t.stdout}\n${t.stderr}`);
    assert.match(t.stdout, /^ok\s+example\.com\/otel-service\b/m);
    assert.ok(t.stats.woven > 0, 'the test build wove nothing');
  });
});
