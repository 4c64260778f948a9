// `npm run bench:otel`: the HTTP handler instrumented by weft's OpenTelemetry pack against the same
// handler wrapped by hand with otelhttp (test/bench/otel-http: cmd/woven built with `weft go build`,
// cmd/hand with plain `go build`, calling the pack's Start itself, so the SDK is set up the same way
// on both sides: always-on sampling, a batch processor, an exporter that discards). A load generator (cmd/load, plain go) sends a
// bounded number of keep-alive GETs over loopback; rounds alternate the two sides. Each side's
// count of ended spans must equal the requests it served. Prints requests/s and p50/p99 latency
// per round and the medians; asserts nothing about time.
//
//   --rounds=N (WEFT_BENCH_ROUNDS, default 5)  --requests=N (WEFT_BENCH_REQUESTS, default 20000)
//   --concurrency=N (WEFT_BENCH_CONCURRENCY, default 8)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, median, repoRoot, weftBin } from './bench-util.js';

const ROUNDS = Number(flag('rounds', 'WEFT_BENCH_ROUNDS', '5'));
const REQUESTS = Number(flag('requests', 'WEFT_BENCH_REQUESTS', '20000'));
const CONCURRENCY = Number(flag('concurrency', 'WEFT_BENCH_CONCURRENCY', '8'));
const WARMUP = 2000;

const dir = mkdtempSync(join(tmpdir(), 'weft-bench-otel-'));
cpSync(join(repoRoot, 'test', 'bench', 'otel-http'), dir, { recursive: true });
cpSync(join(repoRoot, 'packs', 'otel'), join(dir, 'weft-otel'), { recursive: true });
const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '-mod=readonly', WEFT_DAEMON: 'off' };
for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];

function build(args: string[], what: string): void {
  const r = spawnSync(args[0]!, args.slice(1), { cwd: dir, env, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stderr}`);
}

interface Round {
  rps: number;
  p50us: number;
  p99us: number;
  requests: number;
  spans: number;
}

/** Starts one side, loads it, stops it (closing its stdin) and reads its span count. */
async function round(side: 'woven' | 'hand'): Promise<Round> {
  const server = spawn(join(dir, side), [], {
    cwd: dir,
    env: { ...env, OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_EXPORTER: 'none', OTEL_SERVICE_NAME: `bench-${side}` },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  server.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (c: string) => {
      out += c;
      const m = /^listening (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`${side} exited (${code}) before listening`)));
  });
  const load = spawnSync(join(dir, 'load'), ['-url', url, '-n', String(REQUESTS), '-c', String(CONCURRENCY), '-warmup', String(WARMUP), '-timeout', '120s'], { encoding: 'utf8' });
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  server.stdin.end();
  await closed;
  if (load.status !== 0) throw new Error(`load against ${side} failed:\n${load.stderr}`);
  const figures = JSON.parse(load.stdout) as { rps: number; p50us: number; p99us: number; requests: number };
  const spans = Number(/^spans (\d+)$/m.exec(out)?.[1] ?? NaN);
  return { ...figures, spans };
}

try {
  console.log(`building (weft go build of cmd/woven, go build of cmd/hand and cmd/load) in ${dir}`);
  build(['go', 'mod', 'download'], 'go mod download');
  build([process.execPath, weftBin, 'go', 'build', '-o', 'woven', './cmd/woven'], 'weft go build ./cmd/woven');
  build(['go', 'build', '-o', 'hand', './cmd/hand'], 'go build ./cmd/hand');
  build(['go', 'build', '-o', 'load', './cmd/load'], 'go build ./cmd/load');

  const results: Record<'woven' | 'hand', Round[]> = { woven: [], hand: [] };
  console.log(`${ROUNDS} rounds, alternating; ${REQUESTS} measured requests after ${WARMUP} warm-up ones, ${CONCURRENCY} connections, loopback`);
  console.log('round side   requests/s   p50 µs   p99 µs   spans/requests');
  for (let i = 0; i < ROUNDS; i++) {
    const order: Array<'woven' | 'hand'> = i % 2 === 0 ? ['woven', 'hand'] : ['hand', 'woven'];
    for (const side of order) {
      const r = await round(side);
      results[side].push(r);
      console.log(`${String(i + 1).padStart(5)} ${side.padEnd(6)} ${r.rps.toFixed(0).padStart(10)} ${r.p50us.toFixed(0).padStart(8)} ${r.p99us.toFixed(0).padStart(8)}   ${r.spans}/${r.requests}`);
      if (r.spans !== r.requests) throw new Error(`${side}: ${r.spans} spans for ${r.requests} requests: the sides are not comparable`);
    }
  }
  const med = (side: 'woven' | 'hand', k: 'rps' | 'p50us' | 'p99us'): number => median(results[side].map((r) => r[k]));
  console.log('\nmedians        requests/s   p50 µs   p99 µs');
  for (const side of ['woven', 'hand'] as const) console.log(`${side.padEnd(14)} ${med(side, 'rps').toFixed(0).padStart(10)} ${med(side, 'p50us').toFixed(0).padStart(8)} ${med(side, 'p99us').toFixed(0).padStart(8)}`);
  const ratio = med('woven', 'rps') / med('hand', 'rps');
  console.log(`woven/hand requests/s: ${ratio.toFixed(3)} (target ≥ 0.95); p50 ${(med('woven', 'p50us') / med('hand', 'p50us')).toFixed(3)}, p99 ${(med('woven', 'p99us') / med('hand', 'p99us')).toFixed(3)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
