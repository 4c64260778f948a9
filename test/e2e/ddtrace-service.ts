// Running the ddtrace-service fixture (test/e2e/fixtures/ddtrace-service) against a mock agent:
// shared by the end-to-end test and scripts/orchestrion-side-by-side.mjs, so both read the
// spans the same way. The fixture writes its JSON log records (log/slog) to stderr and its one
// response body to stdout, then exits; tracer.Stop (woven at the end of main) flushes the spans.
import { spawn } from 'node:child_process';
import { agentEnv, normalizeSpans, startMockAgent, type AgentSpan, type NormalizedSpan } from './mock-agent.js';

/** The tags the fixture's spans are compared on (others carry ports, ids or timings). */
export const COMPARED_TAGS = ['function-name', 'greeting.source', 'http.method', 'http.status_code', 'db.system'] as const;

export const SERVICE_NAME = 'ddtrace-service';

export interface ServiceRun {
  code: number | null;
  stdout: string;
  stderr: string;
  spans: AgentSpan[];
  normalized: NormalizedSpan[];
  /** The JSON log records found on stderr. */
  logs: Array<Record<string, unknown>>;
  /** Method and path of every request the tracer made to the agent. */
  agentRequests: string[];
}

function parseLogRecords(stderr: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log record
    }
  }
  return out;
}

/** Runs a built fixture binary against a fresh mock agent and collects what it reported. */
export async function runServiceAgainstAgent(exe: string, opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ServiceRun> {
  const agent = await startMockAgent();
  try {
    const env = { ...opts.env, ...agentEnv(agent.url, SERVICE_NAME) };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(exe, [], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.once('error', reject);
      child.once('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, stdout: out, stderr: err });
      });
    });
    // tracer.Stop flushes before main returns; a short grace covers a payload still in flight.
    const spans = await agent.waitForSpans(1, 3_000).catch(() => agent.spans());
    return { code, stdout, stderr, spans, normalized: normalizeSpans(spans, COMPARED_TAGS), logs: parseLogRecords(stderr), agentRequests: agent.requests() };
  } finally {
    await agent.close();
  }
}
