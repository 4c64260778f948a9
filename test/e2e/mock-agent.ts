// A stand-in for the Datadog agent, enough for dd-trace-go to report to: it accepts msgpack
// traces on /v0.4/traces (and /v0.5 refuses, so the tracer stays on v0.4), answers /info with
// the endpoints it supports, and records every request so a test can see what the tracer probed.
// With `evpProxy` it also plays the agent's EVP proxy for CI Visibility: it advertises
// /evp_proxy/v2/ and decodes the test cycle events posted to /evp_proxy/v2/api/v2/citestcycle.
// normalizeSpans reduces the received spans to what must match between two builds of the same
// program: names, resources, service, type, kind, component, chosen tags and parent/child shape.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Unpackr } from 'msgpackr';

/** One span as dd-trace-go encodes it for /v0.4/traces (ids as decimal strings). */
export interface AgentSpan {
  traceId: string;
  spanId: string;
  parentId: string;
  name: string;
  resource: string;
  service: string;
  type: string;
  error: number;
  start: string;
  duration: string;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

/** One CI Visibility event (test_session_end, test_module_end, test_suite_end, test, span). */
export interface CiEvent {
  type: string;
  name: string;
  resource: string;
  error: number;
  meta: Record<string, string>;
}

export interface MockAgent {
  /** http://127.0.0.1:<port>, for DD_TRACE_AGENT_URL. */
  url: string;
  /** Every span received so far, in arrival order. */
  spans(): AgentSpan[];
  /** Method and path of every request received, in order. */
  requests(): string[];
  /** Every CI Visibility test cycle event received so far (only with `evpProxy`). */
  ciEvents(): CiEvent[];
  /** Resolves once at least n spans have arrived (rejects after timeoutMs). */
  waitForSpans(n: number, timeoutMs?: number): Promise<AgentSpan[]>;
  close(): Promise<void>;
}

// int64AsType 'string': trace ids use all 64 bits, which a JS number cannot hold.
const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false, int64AsType: 'string' });

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function asId(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return BigInt(v).toString();
  return '0';
}

function asRecord<T>(v: unknown): Record<string, T> {
  return v !== null && typeof v === 'object' ? (v as Record<string, T>) : {};
}

/** Decodes a /v0.4/traces body: an array of traces, each an array of span maps. */
export function decodeTraces(body: Buffer): AgentSpan[] {
  const traces = unpackr.unpack(body) as unknown;
  if (!Array.isArray(traces)) throw new Error('mock agent: /v0.4/traces body is not an array of traces');
  const out: AgentSpan[] = [];
  for (const trace of traces) {
    if (!Array.isArray(trace)) throw new Error('mock agent: a trace is not an array of spans');
    for (const raw of trace) {
      const s = asRecord<unknown>(raw);
      out.push({
        traceId: asId(s.trace_id),
        spanId: asId(s.span_id),
        parentId: asId(s.parent_id),
        name: String(s.name ?? ''),
        resource: String(s.resource ?? ''),
        service: String(s.service ?? ''),
        type: String(s.type ?? ''),
        error: Number(s.error ?? 0),
        start: asId(s.start),
        duration: asId(s.duration),
        meta: asRecord<string>(s.meta),
        metrics: asRecord<number>(s.metrics),
      });
    }
  }
  return out;
}

/** Decodes a citestcycle body (uncompressed msgpack: {version, metadata, events}). */
export function decodeTestCycle(body: Buffer): CiEvent[] {
  const payload = asRecord<unknown>(unpackr.unpack(body) as unknown);
  if (!Array.isArray(payload.events)) throw new Error('mock agent: citestcycle body has no events array');
  return payload.events.map((raw: unknown): CiEvent => {
    const e = asRecord<unknown>(raw);
    const c = asRecord<unknown>(e.content);
    return { type: String(e.type ?? ''), name: String(c.name ?? ''), resource: String(c.resource ?? ''), error: Number(c.error ?? 0), meta: asRecord<string>(c.meta) };
  });
}

export async function startMockAgent(opts: { evpProxy?: boolean } = {}): Promise<MockAgent> {
  const received: AgentSpan[] = [];
  const ciEvents: CiEvent[] = [];
  const requests: string[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(`${req.method ?? '?'} ${path}`);
    readBody(req)
      .then((body) => {
        if (path === '/v0.4/traces' && (req.method === 'PUT' || req.method === 'POST')) {
          received.push(...decodeTraces(body));
          for (const w of waiters.splice(0)) w();
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate_by_service":{}}');
        } else if (opts.evpProxy && path === '/evp_proxy/v2/api/v2/citestcycle' && req.method === 'POST') {
          ciEvents.push(...decodeTestCycle(body));
          res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
        } else if (path === '/info' && req.method === 'GET') {
          // Only v0.4 traces (and the EVP proxy when asked): no stats, no remote config, no telemetry proxy.
          const endpoints = opts.evpProxy ? ['/v0.4/traces', '/evp_proxy/v2/'] : ['/v0.4/traces'];
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: 'mock', endpoints, client_drop_p0s: false }));
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
        }
      })
      .catch((err: unknown) => {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`mock agent: ${String(err)}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    requests: () => [...requests],
    ciEvents: () => [...ciEvents],
    waitForSpans(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (received.length < n) return false;
          clearTimeout(timer);
          resolve([...received]);
          return true;
        };
        const timer = setTimeout(() => reject(new Error(`mock agent: ${received.length} spans after ${timeoutMs} ms, wanted ${n}; requests: ${requests.join(', ')}`)), timeoutMs);
        const wait = (): void => {
          if (!check()) waiters.push(wait);
        };
        wait();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A span reduced to what two builds of one program must agree on. */
export interface NormalizedSpan {
  name: string;
  resource: string;
  service: string;
  type: string;
  kind: string;
  component: string;
  /** `name resource [kind]` of the parent span in the same trace, or null for a root. */
  parent: string | null;
  /** Selected tags (those named in `tags`) that the span carries. */
  tags: Record<string, string>;
}

/** Environment for a program that should report to this agent and nothing else. */
export function agentEnv(agentUrl: string, service: string): Record<string, string> {
  return {
    DD_TRACE_AGENT_URL: agentUrl,
    DD_SERVICE: service,
    DD_ENV: 'test',
    DD_VERSION: '1.0.0',
    DD_TRACE_STARTUP_LOGS: 'false',
    DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
    DD_REMOTE_CONFIGURATION_ENABLED: 'false',
    DD_TRACE_STATS_COMPUTATION_ENABLED: 'false',
    DD_RUNTIME_METRICS_ENABLED: 'false',
    DD_DATA_STREAMS_ENABLED: 'false',
    DD_APPSEC_ENABLED: 'false',
  };
}

function spanLabel(s: AgentSpan): string {
  const kind = s.meta['span.kind'];
  return kind ? `${s.name} ${s.resource} [${kind}]` : `${s.name} ${s.resource}`;
}

/**
 * Sorted by (name, resource, parent) so arrival order does not matter. A span whose parent id
 * is set but was never received gets parent `?` (a broken trace must not look like a root).
 */
export function normalizeSpans(spans: readonly AgentSpan[], tags: readonly string[] = []): NormalizedSpan[] {
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const out = spans.map((s): NormalizedSpan => {
    const p = s.parentId === '0' ? undefined : byId.get(`${s.traceId}/${s.parentId}`);
    const picked: Record<string, string> = {};
    for (const t of tags) if (s.meta[t] !== undefined) picked[t] = s.meta[t];
    return {
      name: s.name,
      resource: s.resource,
      service: s.service,
      type: s.type,
      kind: s.meta['span.kind'] ?? '',
      component: s.meta.component ?? '',
      parent: s.parentId === '0' ? null : p ? spanLabel(p) : '?',
      tags: picked,
    };
  });
  const key = (n: NormalizedSpan): string => `${n.name}\u0000${n.resource}\u0000${n.parent ?? ''}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
