// The edit loop in overlay, planned and plain builds: a generated module of 150 packages (a
// binary tree under cmd/bench), one warm GOCACHE per tool, alternating runs. Two figures per
// configuration: a no-op build (everything cached) and a build after a one-leaf edit (the leaf,
// its ancestors and the main package recompile). weft runs with aspects that match nothing in
// the module ("nothing") and with one that weaves the root package ("root woven"). Prints a
// table; asserts nothing about time.
//   node dist/test/bench/overlay-loop.js [--packages=150] [--runs=5]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, spreadOf, timedRun, weftBin } from './bench-util.js';
import { leafOf, MAIN_DIR, writeTreeModule, writeTreePackage, type TreeModule } from './monorepo.js';

const packages = Number(flag('packages', 'WEFT_BENCH_PACKAGES', '150'));
const runs = Number(flag('runs', 'WEFT_BENCH_RUNS', '5'));

function aspect(importPath: string): string {
  return [
    'meta: {name: overlay-loop, description: prints on entering Value}',
    'aspects:',
    '  - id: trace-value',
    '    join-point:',
    '      all-of:',
    `        - import-path: ${importPath}`,
    '        - function-body: {function: [{name: Value}]}',
    '    advice:',
    `      prepend-statements: {template: 'println("weft: Value")'}`,
    '',
  ].join('\n');
}

interface Config {
  label: string;
  /** null: plain go. */
  mode: 'overlay' | 'planned' | null;
  weaves: 'nothing' | 'root woven' | null;
}

const configs: Config[] = [
  { label: 'plain go', mode: null, weaves: null },
  { label: 'weft overlay, aspects match nothing', mode: 'overlay', weaves: 'nothing' },
  { label: 'weft planned, aspects match nothing', mode: 'planned', weaves: 'nothing' },
  { label: 'weft overlay, root woven', mode: 'overlay', weaves: 'root woven' },
  { label: 'weft planned, root woven', mode: 'planned', weaves: 'root woven' },
];

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'weft-bench-overlay-'));
  const tree: TreeModule = { packages, generator: 'test/bench/overlay-loop.ts', stdFor: (i) => (i % 2 === 0 ? ['fmt', 'strings'] : ['strconv', 'errors']), main: 'root' };
  const base: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', GOPROXY: 'off', WEFT_CACHE: join(root, 'weft-cache') };
  for (const k of Object.keys(base)) if (k.startsWith('WEFT_') && k !== 'WEFT_CACHE') delete base[k];
  const setups = configs.map((c, i) => {
    const dir = join(root, `m${i}`);
    mkdirSync(dir);
    writeTreeModule(dir, tree);
    const env: NodeJS.ProcessEnv = { ...base, GOCACHE: join(root, `gocache${i}`) };
    if (c.weaves !== null) writeFileSync(join(dir, 'weft.yml'), aspect(c.weaves === 'nothing' ? 'example.com/none' : 'example.com/bench/p0000'));
    if (c.mode !== null) env['WEFT_MODE'] = c.mode;
    return { c, dir, env, noop: [] as number[], edit: [] as number[], cpuNoop: [] as number[], cpuEdit: [] as number[] };
  });
  const build = async (s: (typeof setups)[number]) => {
    const args = ['build', '-o', join(s.dir, 'bench.bin'), `./${MAIN_DIR}`];
    const r = s.c.mode === null ? await timedRun('go', args, s.dir, s.env) : await timedRun(process.execPath, [weftBin, 'go', ...args], s.dir, s.env);
    if (r.code !== 0) throw new Error(`${s.c.label}: build failed:\n${r.stderr}`);
    return r;
  };
  // Fill each GOCACHE, then one unmeasured build of each step.
  for (const s of setups) {
    await build(s);
    await build(s);
  }
  let salt = 0;
  for (let run = 0; run < runs; run++) {
    for (const s of setups) {
      const noop = await build(s);
      s.noop.push(noop.wallMs);
      s.cpuNoop.push(noop.cpuMs);
      writeTreePackage(s.dir, tree, leafOf(tree), 'edited', ++salt);
      const edit = await build(s);
      s.edit.push(edit.wallMs);
      s.cpuEdit.push(edit.cpuMs);
    }
  }
  const plain = setups[0]!;
  const fmt = (xs: number[]) => {
    const s = spreadOf(xs);
    return `${Math.round(s.median)} (${Math.round(s.min)}–${Math.round(s.max)})`;
  };
  const ratio = (xs: number[], ys: number[]) => (spreadOf(xs).median / spreadOf(ys).median).toFixed(2);
  console.log(`\n${packages} packages, ${runs} runs each, alternating; wall ms median (min–max); ratio to plain go's median\n`);
  console.log('| configuration | no-op wall | × plain | no-op cpu | 1-leaf edit wall | × plain | edit cpu |');
  console.log('|---|---|---|---|---|---|---|');
  for (const s of setups) {
    console.log(`| ${s.c.label} | ${fmt(s.noop)} | ${ratio(s.noop, plain.noop)} | ${fmt(s.cpuNoop)} | ${fmt(s.edit)} | ${ratio(s.edit, plain.edit)} | ${fmt(s.cpuEdit)} |`);
  }
  rmSync(root, { recursive: true, force: true });
}

await main();
