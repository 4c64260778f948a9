// `node dist/test/bench/front.js` (after npm run build): the fixed cost of `weft go` when a warm
// daemon serves the build, against a fake daemon that answers every build with {t:"exit"} at
// once: the sh launcher plus the Go front end (start to connect, and the whole round trip), the
// Go front end alone, and Node's own start for comparison. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ensureShim, packageRoot } from '../../src/install/ensure-shim.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/index.js';
import { daemonIdentity } from '../../src/install/version.js';
import { flag, median } from './bench-util.js';

const RUNS = Number(flag('runs', 'WEFT_BENCH_RUNS', '50'));
const root = realpathSync(packageRoot());
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'weft-bench-front-')));
const cache = join(tmp, 'cache');
const runtime = join(tmp, 'run');
const mod = join(tmp, 'mod');
mkdirSync(join(runtime, 'weft'), { recursive: true, mode: 0o700 });
mkdirSync(mod);
writeFileSync(join(mod, 'go.mod'), 'module example.com/bench\n\ngo 1.23\n');
const shim = await ensureShim({ go: 'go', cacheDir: cache });
const env: NodeJS.ProcessEnv = { ...process.env, WEFT_CACHE: cache, XDG_RUNTIME_DIR: runtime };
delete env['CI'];
delete env['WEFT_DAEMON'];

let connectedAt = 0;
const key = createHash('sha256').update(mod).digest('hex').slice(0, 16);
const server = createServer((sock) => {
  connectedAt = performance.now();
  const dec = new FrameDecoder();
  sock.on('data', (chunk) => {
    for (const _ of dec.push(chunk)) sock.end(encodeFrame({ t: 'exit', code: 0 }));
  });
});
await new Promise<void>((resolve) => server.listen(join(runtime, 'weft', `daemon-${key}.sock`), resolve));

interface Timing {
  totalMs: number;
  connectMs: number;
}

function time(cmd: string, args: string[]): Promise<Timing> {
  return new Promise((resolve, reject) => {
    connectedAt = 0;
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: mod, env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
      resolve({ totalMs: performance.now() - started, connectMs: connectedAt === 0 ? NaN : connectedAt - started });
    });
  });
}

function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]!;
}

async function measure(name: string, cmd: string, args: string[]): Promise<void> {
  await time(cmd, args); // warm the page cache
  const runs: Timing[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await time(cmd, args));
  const total = runs.map((r) => r.totalMs);
  const connect = runs.map((r) => r.connectMs).filter((x) => !Number.isNaN(x));
  const fmt = (x: number): string => x.toFixed(1).padStart(6);
  const conn = connect.length > 0 ? `start→connect median ${fmt(median(connect))} ms p90 ${fmt(p90(connect))} ms; ` : '';
  console.log(`${name.padEnd(44)} ${conn}round trip median ${fmt(median(total))} ms p90 ${fmt(p90(total))} ms (${RUNS} runs)`);
}

console.log(`weft front end against a fake daemon that answers at once (${process.platform}, node ${process.version}${env['NODE_EXTRA_CA_CERTS'] ? ', NODE_EXTRA_CA_CERTS set' : ''})`);
await measure('bin/weft go build (sh launcher + Go front end)', join(root, 'bin', 'weft'), ['go', 'build']);
await measure('weft-shim --weft-front (Go front end alone)', shim, ['--weft-front', daemonIdentity(), root, 'go', 'build']);
await measure('sh -c : (a bare sh start)', '/bin/sh', ['-c', ':']);
await measure('node -e 0 (a bare Node start)', process.execPath, ['-e', '0']);
await measure('node bin/weft.js --help (the Node CLI start)', process.execPath, [join(root, 'bin', 'weft.js'), '--help']);
server.close();
