// The OTLP trace receiver of the OpenTelemetry tests (test/e2e/fixtures/otlp-receiver, a Go
// program on OpenTelemetry's own proto package): built once, started per service run; every
// span it decodes arrives as one JSON line on its stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, run } from './helpers.js';

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  statusCode: string;
  statusMessage: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }> | null;
  resource: Record<string, unknown>;
  scope: string;
}

/** Builds the receiver with plain go into a fresh directory; returns the binary's path. */
export async function buildReceiver(env: NodeJS.ProcessEnv): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-e2e-otlp-receiver-'));
  cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'otlp-receiver'), dir, { recursive: true });
  const exe = join(dir, 'otlp-receiver');
  const r = await run('go', ['build', '-o', exe, '.'], { cwd: dir, env, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`building the OTLP receiver failed:\n${r.stderr}`);
  return exe;
}

export interface Receiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans(): OtlpSpan[];
  /** Waits until at least n spans arrived (or ms passed); returns what arrived. */
  waitForSpans(n: number, ms: number): Promise<OtlpSpan[]>;
  close(): void;
}

export function startReceiver(exe: string): Promise<Receiver> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(exe, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    const spans: OtlpSpan[] = [];
    let buffered = '';
    let url = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (url === '') reject(new Error(`the OTLP receiver exited (${code}) before listening:\n${err}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      buffered += c;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (url === '') {
          url = line.replace(/^listening /, '');
          resolve({
            url,
            spans: () => [...spans],
            waitForSpans: async (n, ms) => {
              for (const deadline = Date.now() + ms; spans.length < n && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 25));
              return [...spans];
            },
            close: () => child.kill('SIGKILL'),
          });
        } else if (line.startsWith('{')) spans.push(JSON.parse(line) as OtlpSpan);
      }
    });
  });
}
