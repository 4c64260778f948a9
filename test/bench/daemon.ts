// The warm daemon's benchmark (`npm run bench:daemon`): in a generated module of 150 packages
// (a binary tree under one main package) with an aspect that matches nothing, a no-op build and
// an edit of a leaf function's body (the leaf and its chain of importers recompile), each built
// by plain go, `weft go build` in-process (WEFT_DAEMON=off) and `weft go build` through the
// module's warm daemon, in alternating runs. Prints figures (median, min, max); asserts nothing
// about time. Flags/env: --packages=N (WEFT_BENCH_PACKAGES, default 150), --runs=N
// (WEFT_BENCH_RUNS, default 7).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, spreadOf, timedRun, weftBin } from './bench-util.js';
import { leafOf, MAIN_DIR, pkgName, writeTreeModule, type TreeModule } from './monorepo.js';

const N = Number(flag('packages', 'WEFT_BENCH_PACKAGES', '150'));
const RUNS = Number(flag('runs', 'WEFT_BENCH_RUNS', '7'));

const NO_MATCH = [
  'meta:',
  '  name: bench-no-match',
  '  description: an aspect that matches nothing in the generated module',
  'aspects:',
  '  - id: no-match',
  '    join-point:',
  '      function-body:',
  '        function:',
  '          - name: NoSuchFunctionAnywhereInThisModule',
  '    advice:',
  '      prepend-statements:',
  '        template: println("never")',
  '',
].join('\n');

type Variant = 'plain' | 'in-process' | 'daemon';
const VARIANTS: readonly Variant[] = ['plain', 'in-process', 'daemon'];

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'weft-bench-daemon-'));
  const mod = join(work, 'mod');
  const runtime = join(work, 'rt');
  const tree: TreeModule = { packages: N, generator: 'test/bench/daemon.ts', stdFor: () => ['fmt', 'strings'], main: 'root', goVersion: '1.24.0' };
  mkdirSync(mod);
  mkdirSync(runtime, { mode: 0o700 });
  chmodSync(runtime, 0o700);
  writeTreeModule(mod, tree);
  writeFileSync(join(mod, 'weft.yml'), NO_MATCH);
  const env: NodeJS.ProcessEnv = { ...process.env, GOCACHE: join(work, 'gocache'), GOFLAGS: '', GOTOOLCHAIN: 'local', GOPROXY: 'off', XDG_RUNTIME_DIR: runtime, CI: '' };
  for (const k of Object.keys(env)) if (k.startsWith('WEFT_') && k !== 'WEFT_CACHE') delete env[k];
  const leafFile = join(mod, pkgName(leafOf(tree)), `${pkgName(leafOf(tree))}.go`);
  const original = readFileSync(leafFile, 'utf8');
  let salt = 0;
  const editLeaf = (): void => writeFileSync(leafFile, original.replace('t := len(s) + n', `t := len(s) + n + ${++salt}`));

  const build = async (v: Variant): Promise<number> => {
    const args = ['build', '-o', '/dev/null', `./${MAIN_DIR}`];
    const r = v === 'plain'
      ? await timedRun('go', args, mod, env)
      : await timedRun(process.execPath, [weftBin, 'go', ...args], mod, { ...env, WEFT_DAEMON: v === 'daemon' ? 'on' : 'off' });
    if (r.code !== 0) throw new Error(`${v} build failed (exit ${r.code}):\n${r.stderr}`);
    if (r.stderr !== '') throw new Error(`${v} build printed:\n${r.stderr}`);
    return r.wallMs;
  };
  try {
    console.log(`weft daemon benchmark: ${N} generated packages, aspect matching nothing, ${RUNS} alternating runs per variant`);
    // Warm GOCACHE for all three (weft's planned builds share plain go's keys), and the daemon.
    for (const v of VARIANTS) await build(v);
    for (const v of VARIANTS) await build(v);
    const daemonRss = (): string => {
      const status = spawnSync(process.execPath, [weftBin, 'daemon', 'status', '--json'], { cwd: mod, env, encoding: 'utf8' });
      const [d] = JSON.parse(status.stdout || '[]') as { builds: number; rssBytes: number }[];
      return d === undefined ? 'no daemon' : `rss ${(d.rssBytes / 1048576).toFixed(0)} MB after ${d.builds} builds`;
    };
    const rssAfterWarmUp = daemonRss();
    const noop: Record<Variant, number[]> = { plain: [], 'in-process': [], daemon: [] };
    const edit: Record<Variant, number[]> = { plain: [], 'in-process': [], daemon: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const v of VARIANTS) noop[v].push(await build(v));
    }
    for (let i = 0; i < RUNS; i++) {
      for (const v of VARIANTS) {
        editLeaf();
        edit[v].push(await build(v));
      }
    }
    const line = (label: string, xs: number[], base: number[]): string => {
      const s = spreadOf(xs);
      const b = spreadOf(base);
      return `  ${label.padEnd(11)} median ${s.median.toFixed(0).padStart(5)} ms  min ${s.min.toFixed(0).padStart(5)}  max ${s.max.toFixed(0).padStart(5)}  (${(s.median / b.median).toFixed(2)}× plain)`;
    };
    console.log('no-op build (everything cached):');
    for (const v of VARIANTS) console.log(line(v, noop[v], noop.plain));
    console.log(`edit of a leaf function body (${pkgName(leafOf(tree))} and its importers recompile):`);
    for (const v of VARIANTS) console.log(line(v, edit[v], edit.plain));
    console.log(`daemon memory: ${rssAfterWarmUp}; ${daemonRss()} (no leak: the second stays near the first)`);
  } finally {
    await timedRun(process.execPath, [weftBin, 'daemon', 'stop', '--all'], mod, env);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
