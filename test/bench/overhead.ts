// `npm run bench:overhead`: what weft adds to a build when no aspect applies. Generates a
// stdlib-only module of N packages (a binary tree of imports under one main), then builds it
// under plain go and under `weft go build` (empty config), alternating, and prints wall and CPU
// (user+sys of all children) for both and the milliseconds added per compile request.
//
// Two variants, because they answer different questions:
//   cold — a fresh GOCACHE per run: std compiles too, as on a CI machine without a cache.
//   warm — std already cached (each mode's cache seeded by one build of its own: weft's -V=full
//          suffix keys std separately), then every module package edited with a random comment
//          so exactly the N module packages recompile.
// Flags/env: --packages=N (WEFT_BENCH_PACKAGES, default 200), --runs=N (WEFT_BENCH_RUNS, default
// 3), --variant=cold|warm|both (default both). Prints figures only; asserts nothing about time.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, median, timedBuild } from './bench-util.js';
import { writeTreeModule, writeTreePackage, type TreeModule } from './monorepo.js';

const N = Number(flag('packages', 'WEFT_BENCH_PACKAGES', '200'));
const RUNS = Number(flag('runs', 'WEFT_BENCH_RUNS', '3'));
const VARIANT = flag('variant', 'WEFT_BENCH_VARIANT', 'both');
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(RUNS) || RUNS < 1 || !['cold', 'warm', 'both'].includes(VARIANT)) {
  console.error('usage: overhead.js [--packages=N] [--runs=N] [--variant=cold|warm|both]');
  process.exit(2);
}

const std = ['strings', 'strconv', 'sort', 'errors', 'bytes', 'unicode/utf8'];
const tree: TreeModule = {
  packages: N,
  generator: 'test/bench/overhead.ts',
  stdFor: (i) => [std[i % std.length]!, std[(i + 3) % std.length]!],
  main: 'root',
};

interface Sample {
  wallMs: number;
  cpuMs: number;
  compileRequests: number;
  serverMicrosSum: number;
  weftCpuMs: number;
}

async function build(mode: 'plain' | 'weft', dir: string, gocache: string): Promise<Sample> {
  const statsFile = join(dir, '..', `stats-${process.pid}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, GOCACHE: gocache, GOFLAGS: '', GOTOOLCHAIN: 'local', GOPROXY: 'off', WEFT_STATS_JSON: statsFile, WEFT_DAEMON: 'off' };
  delete env['WEFT_CONFIG'];
  const { wallMs, cpuMs } = await timedBuild(mode, './cmd/bench', dir, env);
  let compileRequests = 0;
  let serverMicrosSum = 0;
  let weftCpuMs = 0;
  if (mode === 'weft') {
    const s = JSON.parse(readFileSync(statsFile, 'utf8')) as { compileRequests: number; serverMicrosSum: number; weftCpuMs: number };
    compileRequests = s.compileRequests;
    serverMicrosSum = s.serverMicrosSum;
    weftCpuMs = s.weftCpuMs;
    rmSync(statsFile, { force: true });
  }
  return { wallMs, cpuMs, compileRequests, serverMicrosSum, weftCpuMs };
}

const f1 = (x: number): string => x.toFixed(1).padStart(9);
const f3 = (x: number): string => x.toFixed(3).padStart(7);

function report(title: string, plain: Sample[], weft: Sample[], fixed?: { wallMs: number; cpuMs: number }): void {
  console.log(`\n${title}`);
  console.log('  run   plain wall   weft wall   plain cpu    weft cpu   compiles   added wall/compile   added cpu/compile   server µs/compile');
  const perWall: number[] = [];
  const perCpu: number[] = [];
  for (let i = 0; i < plain.length; i++) {
    const p = plain[i]!;
    const w = weft[i]!;
    const n = Math.max(1, w.compileRequests);
    perWall.push((w.wallMs - p.wallMs) / n);
    perCpu.push((w.cpuMs - p.cpuMs) / n);
    console.log(`  ${String(i + 1).padStart(3)} ${f1(p.wallMs)} ms ${f1(w.wallMs)} ms ${f1(p.cpuMs)} ms ${f1(w.cpuMs)} ms ${String(w.compileRequests).padStart(8)}   ${f3(perWall.at(-1)!)} ms           ${f3(perCpu.at(-1)!)} ms         ${(w.serverMicrosSum / n).toFixed(0).padStart(6)}`);
  }
  console.log(`  median: plain ${median(plain.map((s) => s.wallMs)).toFixed(0)} ms wall / ${median(plain.map((s) => s.cpuMs)).toFixed(0)} ms cpu; weft ${median(weft.map((s) => s.wallMs)).toFixed(0)} ms wall / ${median(weft.map((s) => s.cpuMs)).toFixed(0)} ms cpu`);
  console.log(`  job server cpu while go ran (median): ${median(weft.map((w) => w.weftCpuMs / Math.max(1, w.compileRequests))).toFixed(3)} ms per compile; the rest of the added cpu is the shim (one extra exec + Go runtime start per tool run)`);
  console.log(`  ADDED PER COMPILED PACKAGE (median): ${median(perWall).toFixed(3)} ms wall, ${median(perCpu).toFixed(3)} ms cpu   (target ≤ 0.5 ms wall)`);
  if (fixed !== undefined) {
    const marginalWall = plain.map((p, i) => (weft[i]!.wallMs - p.wallMs - fixed.wallMs) / Math.max(1, weft[i]!.compileRequests));
    const marginalCpu = plain.map((p, i) => (weft[i]!.cpuMs - p.cpuMs - fixed.cpuMs) / Math.max(1, weft[i]!.compileRequests));
    console.log(`  without weft's once-per-build start (${fixed.wallMs.toFixed(0)} ms wall, ${fixed.cpuMs.toFixed(0)} ms cpu, measured on no-op builds): ${median(marginalWall).toFixed(3)} ms wall, ${median(marginalCpu).toFixed(3)} ms cpu per compile`);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'weft-bench-overhead-'));
  const mod = join(work, 'mod');
  mkdirSync(mod);
  writeTreeModule(mod, tree);
  console.log(`weft overhead benchmark: ${N} generated packages (+ main), ${RUNS} alternating runs per variant, ${process.env['GOMAXPROCS'] ?? 'default'} GOMAXPROCS`);
  console.log('the difference includes weft\'s own start (Node, config lookup, shim check, socket) once per build; per compile it is the shim\'s round trip and the server\'s answer');
  try {
    // The shim is built on first use; keep that out of the measurement.
    await build('weft', mod, join(work, 'warmup-cache'));
    rmSync(join(work, 'warmup-cache'), { recursive: true, force: true });

    if (VARIANT !== 'warm') {
      const plain: Sample[] = [];
      const weft: Sample[] = [];
      for (let r = 0; r < RUNS; r++) {
        // Alternate which mode goes first so drift on a shared machine hits both alike.
        const order: ('plain' | 'weft')[] = r % 2 === 0 ? ['plain', 'weft'] : ['weft', 'plain'];
        for (const mode of order) {
          const cache = join(work, `cold-${mode}-${r}`);
          (mode === 'plain' ? plain : weft).push(await build(mode, mod, cache));
          rmSync(cache, { recursive: true, force: true });
        }
      }
      report('cold: fresh GOCACHE per build (std compiled too)', plain, weft);
    }

    if (VARIANT !== 'cold') {
      const caches = { plain: join(work, 'warm-plain'), weft: join(work, 'warm-weft') };
      await build('plain', mod, caches.plain);
      await build('weft', mod, caches.weft);
      const plain: Sample[] = [];
      const weft: Sample[] = [];
      for (let r = 0; r < RUNS; r++) {
        const order: ('plain' | 'weft')[] = r % 2 === 0 ? ['plain', 'weft'] : ['weft', 'plain'];
        for (const mode of order) {
          const note = `run ${r} ${mode} ${Math.random().toString(36).slice(2)}`;
          for (let i = 0; i < N; i++) writeTreePackage(mod, tree, i, note);
          (mode === 'plain' ? plain : weft).push(await build(mode, mod, caches[mode]));
        }
      }
      // A fully cached build compiles nothing: the difference is weft's fixed cost per build
      // (Node start, module loading, config lookup, shim check, socket), paid once.
      const noopPlain: Sample[] = [];
      const noopWeft: Sample[] = [];
      for (let r = 0; r < RUNS; r++) {
        noopPlain.push(await build('plain', mod, caches.plain));
        noopWeft.push(await build('weft', mod, caches.weft));
      }
      const fixed = {
        wallMs: median(noopWeft.map((x) => x.wallMs)) - median(noopPlain.map((x) => x.wallMs)),
        cpuMs: median(noopWeft.map((x) => x.cpuMs)) - median(noopPlain.map((x) => x.cpuMs)),
      };
      console.log(`\nno-op (fully cached) builds: plain ${median(noopPlain.map((x) => x.wallMs)).toFixed(0)} ms, weft ${median(noopWeft.map((x) => x.wallMs)).toFixed(0)} ms wall (weft's fixed cost per build: ${fixed.wallMs.toFixed(0)} ms wall, ${fixed.cpuMs.toFixed(0)} ms cpu)`);
      report(`warm: std cached, the ${N} module packages recompiled (edited by a comment)`, plain, weft, fixed);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
