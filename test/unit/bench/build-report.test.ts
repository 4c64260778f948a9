// The build benchmark's pure parts: the generated module's shape (test/bench/monorepo.ts), the
// plain baseline of the dd-trace-go fixture, the process count read from strace, and the table
// with its per-round ratios. No timing is asserted: only what the numbers are computed from.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { baselineSource, countExecProcesses, describeReuse, figuresOf, formatCiTable, formatPerPackage, formatShares, formatTable, parseWeftStats, type ToolResult } from '../../bench/build-report.js';
import { leafOf, MAIN_DIR, writeTreeModule, writeTreePackage, type TreeModule } from '../../bench/monorepo.js';

const repo = new URL('../../../../', import.meta.url).pathname;

const importsOf = (src: string): string[] => {
  const block = /import \(\n([\s\S]*?)\n\)/.exec(src);
  return block === null ? [] : block[1]!.split('\n').map((l) => l.trim().replace(/^_ /, '')).filter(Boolean).map((l) => JSON.parse(l) as string);
};

describe('generated monorepo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const tree: TreeModule = { packages: 7, generator: 'unit test', stdFor: () => ['fmt', 'strings'], main: 'all' };
  writeTreeModule(dir, tree);
  const read = (p: string): string => readFileSync(join(dir, p), 'utf8');

  it('has one directory per package plus the main package, and a go.mod', () => {
    assert.deepEqual(readdirSync(dir).sort(), ['cmd', 'go.mod', 'p0000', 'p0001', 'p0002', 'p0003', 'p0004', 'p0005', 'p0006']);
    assert.match(read('go.mod'), /^module example\.com\/bench\n/);
  });

  it('each package imports fmt, strings and its tree children; leaves import no sibling', () => {
    assert.deepEqual(importsOf(read('p0001/p0001.go')), ['fmt', 'strings', 'example.com/bench/p0003', 'example.com/bench/p0004']);
    assert.deepEqual(importsOf(read('p0002/p0002.go')), ['fmt', 'strings', 'example.com/bench/p0005', 'example.com/bench/p0006']);
    assert.deepEqual(importsOf(read('p0006/p0006.go')), ['fmt', 'strings']);
    assert.equal(leafOf(tree), 6);
  });

  it('main imports every package and uses each', () => {
    const main = read(join(MAIN_DIR, 'main.go'));
    assert.deepEqual(importsOf(main), ['fmt', ...Array.from({ length: 7 }, (_, i) => `example.com/bench/p000${i}`)]);
    for (let i = 0; i < 7; i++) assert.match(main, new RegExp(`t \\+= p000${i}\\.Value\\(`));
  });

  it('a warm edit changes the leaf\'s exported API and nothing else', () => {
    const before = readdirSync(dir).filter((d) => d.startsWith('p')).sort().map((d) => read(`${d}/${d}.go`));
    writeTreePackage(dir, tree, leafOf(tree), 'edited', 42);
    const afterEdit = readdirSync(dir).filter((d) => d.startsWith('p')).sort().map((d) => read(`${d}/${d}.go`));
    assert.deepEqual(afterEdit.slice(0, 6), before.slice(0, 6));
    assert.notEqual(afterEdit[6], before[6]);
    assert.match(afterEdit[6]!, /\nfunc Edit\(\) int \{ return 42 \}\n/);
  });

  it('the root-only form (bench:overhead) has main import p0000 alone', () => {
    const d2 = mkdtempSync(join(tmpdir(), 'weft-bench-unit-'));
    try {
      writeTreeModule(d2, { ...tree, main: 'root', stdFor: (i) => (i % 2 === 0 ? ['strconv', 'sort'] : ['bytes', 'bytes']) });
      assert.deepEqual(importsOf(readFileSync(join(d2, MAIN_DIR, 'main.go'), 'utf8')), ['fmt', 'example.com/bench/p0000']);
      assert.deepEqual(importsOf(readFileSync(join(d2, 'p0001', 'p0001.go'), 'utf8')), ['bytes', 'example.com/bench/p0003', 'example.com/bench/p0004']);
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });
});

describe('dd-trace-go baseline', () => {
  it('blank-imports what the fixture\'s orchestrion.tool.go pins, except orchestrion', () => {
    const tool = readFileSync(join(repo, 'test/e2e/fixtures/ddtrace-service/orchestrion.tool.go'), 'utf8');
    const src = baselineSource(tool, 'main');
    assert.match(src, /^\/\/ Generated[^\n]*\npackage main\n/);
    assert.deepEqual(importsOf(src), [
      'github.com/DataDog/dd-trace-go/contrib/database/sql/v2',
      'github.com/DataDog/dd-trace-go/contrib/log/slog/v2',
      'github.com/DataDog/dd-trace-go/contrib/net/http/v2',
      'github.com/DataDog/dd-trace-go/v2/ddtrace/tracer',
    ]);
  });
});

describe('countExecProcesses', () => {
  it('counts distinct pids with a successful execve, joining split lines and ignoring failures', () => {
    const log = [
      '100 execve("/usr/local/go/bin/go", ["go", "build"], 0x1 /* 3 vars */) = 0',
      '101 execve("/usr/bin/gcc", ["gcc"], 0x2 /* 3 vars */) = -1 ENOENT (No such file or directory)',
      '101 execve("/usr/local/bin/gcc", ["gcc"], 0x2 /* 3 vars */) = 0',
      '102 execve("/cache/weft-shim", ["weft-shim", "compile"], 0x3 /* 3 vars */ <unfinished ...>',
      '103 execve("/tool/asm", ["asm"], 0x4 /* 3 vars */) = 0',
      '102 <... execve resumed>) = 0',
      '102 execve("/tool/compile", ["compile", "-o", "b1/_pkg_.a", "-p", "fmt"], 0x5 /* 3 vars */) = 0',
      '106 execve("/tool/compile", ["compile", "-V=full"], 0x5 /* 3 vars */) = 0',
      '104 execve("/tool/link", ["link"], 0x6 /* 3 vars */ <unfinished ...>',
      '104 <... execve resumed>) = -1 EACCES (Permission denied)',
      '105 +++ exited with 0 +++',
      '',
    ].join('\n');
    assert.deepEqual(countExecProcesses(log), { processes: 5, byProgram: { go: 1, gcc: 1, compile: 2, asm: 1 }, compilerRuns: 1 });
  });
});

describe('parseWeftStats', () => {
  it('reads the compile requests and the mode weft reports, with its reason', () => {
    assert.deepEqual(parseWeftStats('{"compileRequests":262,"woven":0,"mode":{"name":"planned","reason":"auto: go build of a main module"}}\n'), {
      compiles: 262,
      mode: { name: 'planned', reason: 'auto: go build of a main module' },
    });
  });
  it('reads the planning time when weft planned', () => {
    assert.deepEqual(parseWeftStats('{"compileRequests":89,"plan":{"listed":493,"millis":296},"mode":{"name":"planned"}}'), { compiles: 89, planMs: 296, mode: { name: 'planned' } });
    assert.deepEqual(parseWeftStats('{"compileRequests":89,"plan":null}'), { compiles: 89 });
  });
  it('reads how weft got its plan wherever its report says it, and nothing when it does not', () => {
    assert.equal(parseWeftStats('{"compileRequests":0,"daemon":null}').planReuse, undefined);
    assert.equal(parseWeftStats('{"daemon":{"warm":true,"planReused":true}}').planReuse, 'reused');
    assert.equal(parseWeftStats('{"daemon":{"warm":true,"planReused":false}}').planReuse, 'made');
    assert.equal(parseWeftStats('{"plan":{"millis":3,"reuse":"rescreened"},"daemon":null}').planReuse, 'rescreened');
    assert.equal(parseWeftStats('{"planReuse":"reused","plan":{"millis":3}}').planReuse, 'reused');
  });
  it('leaves the mode out when weft does not report one (the table then says ?)', () => {
    assert.deepEqual(parseWeftStats('{"compileRequests":4,"woven":0}'), { compiles: 4 });
    assert.deepEqual(parseWeftStats('{"compileRequests":4,"mode":null}'), { compiles: 4 });
  });
});

describe('formatTable', () => {
  const tool = (over: Partial<ToolResult> & Pick<ToolResult, 'tool' | 'kind'>): ToolResult => ({ wallMs: [], cpuMs: [], processes: null, rssKb: [], mode: null, compiles: [], ...over });
  const plain = tool({ tool: 'plain go', kind: 'plain', wallMs: [1000, 2000, 4000], cpuMs: [500, 1000, 1000], processes: 10 });
  const weft = tool({ tool: 'weft planned', kind: 'weft', wallMs: [1500, 2000, 6000], cpuMs: [1000, 1000, 1500], rssKb: [65536, 131072, 98304], treeRssKb: [1048576], mode: 'planned', compiles: [3, 3, 5], processes: 14, compilerRuns: 250 });
  const orch = tool({ tool: 'orchestrion v1.8.0', kind: 'orchestrion', unavailable: 'cannot install | offline' });

  it('pairs each round with plain go\'s same round for the ratios', () => {
    const f = figuresOf(weft, plain);
    assert.deepEqual(f.wallRatio, { median: 1.5, min: 1, max: 1.5, n: 3 });
    assert.deepEqual(f.cpuRatio, { median: 1.5, min: 1, max: 2, n: 3 });
    assert.equal(figuresOf(plain, plain).wallRatio, null);
  });

  it('prints medians with (min–max), the mode, processes, compiler runs, compiles, RSS in MiB, and unavailable tools with their reason', () => {
    const lines = formatTable([{ case: '200 packages', variant: 'fresh', tools: [plain, weft, orch] }]).split('\n');
    assert.equal(lines.length, 7);
    assert.equal(lines[2], '| 200 packages | fresh | plain go | — | 2.00 (1.00–4.00) | 1.00× | 1.00 (0.50–1.00) | 1.00× | 10 | — | — | — | — |');
    assert.equal(lines[3], '| 200 packages | fresh | weft planned | planned | 2.00 (1.50–6.00) | 1.50× (1.00–1.50) | 1.00 (1.00–1.50) | 1.50× (1.00–2.00) | 14 | 250 | 3 | 96 (64–128) | 1024 |');
    assert.equal(lines[4], '| 200 packages | fresh | orchestrion v1.8.0 | — | unavailable [1] | — | — | — | — | — | — | — | — |');
    assert.deepEqual(lines.slice(5), ['', '[1] cannot install | offline']);
  });

  it('lists each reason for an unavailable tool once, numbered in order of appearance', () => {
    const rejected = tool({ tool: 'weft toolexec', kind: 'weft', unavailable: 'weft: unknown weft flag --weft-mode' });
    const text = formatTable([
      { case: 'a', variant: 'fresh', tools: [plain, rejected, orch] },
      { case: 'a', variant: 'warm', tools: [plain, rejected, orch] },
    ]);
    assert.equal(text.match(/unavailable \[1\]/g)?.length, 2);
    assert.equal(text.match(/unavailable \[2\]/g)?.length, 2);
    assert.ok(text.endsWith('\n\n[1] weft: unknown weft flag --weft-mode\n[2] cannot install | offline'), text);
  });

  it('a single round prints bare figures', () => {
    const one = formatTable([{ case: 'c', variant: 'warm', tools: [tool({ tool: 'plain go', kind: 'plain', wallMs: [840], cpuMs: [390] }), tool({ tool: 'weft', kind: 'weft', wallMs: [1710], cpuMs: [800], mode: '?' })] }]).split('\n');
    assert.equal(one[3], '| c | warm | weft | ? | 1.71 | 2.04× | 0.80 | 2.05× | — | — | — | — | — |');
  });
});

describe('formatPerPackage', () => {
  const tool = (over: Partial<ToolResult> & Pick<ToolResult, 'tool' | 'kind'>): ToolResult => ({ wallMs: [], cpuMs: [], processes: null, rssKb: [], mode: null, compiles: [], ...over });
  /** The rows under the header, after checking the header. */
  const lines = (all: string[]): string[] => {
    assert.equal(all[0], '| GOCACHE | tool | packages | wall ms/pkg | CPU ms/pkg | wall − plain ms/pkg | CPU − plain ms/pkg | CPU ms per added pkg |');
    return all.slice(2);
  };

  it('divides each N-package case by N, tool by tool with N ascending, and pairs the extra over plain by round', () => {
    const text = formatPerPackage([
      { case: '1000 packages', variant: 'fresh', packages: 1000, tools: [tool({ tool: 'plain go', kind: 'plain', wallMs: [50_000], cpuMs: [80_000] }), tool({ tool: 'weft toolexec', kind: 'weft', wallMs: [60_000], cpuMs: [90_000] })] },
      { case: '200 packages', variant: 'fresh', packages: 200, tools: [tool({ tool: 'plain go', kind: 'plain', wallMs: [9_000, 11_000], cpuMs: [16_000, 16_000] }), tool({ tool: 'weft toolexec', kind: 'weft', wallMs: [10_000, 13_000], cpuMs: [18_000, 17_000] })] },
      { case: 'dd-trace-go fixture', variant: 'fresh', tools: [tool({ tool: 'plain go', kind: 'plain', wallMs: [1], cpuMs: [1] })] },
    ]).split('\n');
    assert.deepEqual(lines(text), [
      '| fresh | plain go | 200 | 50.0 (45.0–55.0) | 80.0 (80.0–80.0) | — | — | — |',
      '| fresh | plain go | 1000 | 50.0 | 80.0 | — | — | 80.0 |',
      '| fresh | weft toolexec | 200 | 57.5 (50.0–65.0) | 87.5 (85.0–90.0) | 7.5 (5.0–10.0) | 7.5 (5.0–10.0) | — |',
      '| fresh | weft toolexec | 1000 | 60.0 | 90.0 | 10.0 | 10.0 | 90.6 |',
    ]);
  });

  it('leaves out unavailable tools, and is empty without an N-package case', () => {
    const text = formatPerPackage([{ case: '2 packages', variant: 'warm', packages: 2, tools: [tool({ tool: 'plain go', kind: 'plain', wallMs: [100], cpuMs: [40] }), tool({ tool: 'orchestrion', kind: 'orchestrion', unavailable: 'offline' })] }]);
    assert.deepEqual(lines(text.split('\n')), ['| warm | plain go | 2 | 50.0 | 20.0 | — | — | — |']);
    assert.equal(formatPerPackage([{ case: 'fixture', variant: 'warm', tools: [] }]), '');
  });
});

describe('formatShares', () => {
  const tool = (over: Partial<ToolResult> & Pick<ToolResult, 'tool' | 'kind'>): ToolResult => ({ wallMs: [], cpuMs: [], processes: null, rssKb: [], mode: null, compiles: [], ...over });
  const plain = tool({ tool: 'plain go', kind: 'plain', wallMs: [40_000, 50_000], cpuMs: [80_000, 100_000] });
  const orch = tool({ tool: 'orchestrion v1.8.0', kind: 'orchestrion', wallMs: [64_000, 70_000], cpuMs: [128_000, 160_000] });

  it("pairs rounds: each round's (weft − plain) / (orchestrion − plain), median with (min–max), and the planning time", () => {
    // Round 1: CPU (88 − 80) / (128 − 80) = 0.17, wall (44 − 40) / (64 − 40) = 0.17; round 2: CPU (130 − 100) / (160 − 100) = 0.5, wall (55 − 50) / (70 − 50) = 0.25.
    const weft = tool({ tool: 'weft planned', kind: 'weft', wallMs: [44_000, 55_000], cpuMs: [88_000, 130_000], planMs: [300, 500] });
    const lines = formatShares([{ case: 'dd-trace-go fixture', variant: 'fresh', tools: [plain, weft, orch] }]).split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '| dd-trace-go fixture | fresh | weft planned | +20% (+10% to +30%) | +60% (+60% to +60%) | 0.33 (0.17–0.50) | 0.21 (0.17–0.25) | 400 |');
  });

  it('leaves out rounds where orchestrion was not slower, and says — without a plan', () => {
    const slowPlain = tool({ tool: 'plain go', kind: 'plain', wallMs: [70_000, 50_000], cpuMs: [170_000, 100_000] });
    const weft = tool({ tool: 'weft toolexec', kind: 'weft', wallMs: [60_000, 55_000], cpuMs: [150_000, 110_000] });
    const line = formatShares([{ case: 'x', variant: 'fresh', tools: [slowPlain, weft, orch] }]).split('\n')[2];
    assert.equal(line, '| x | fresh | weft toolexec | −1% (−12% to +10%) | +18% (−25% to +60%) | 0.17 | 0.25 | — |');
  });

  it('is empty when orchestrion has no figures', () => {
    const weft = tool({ tool: 'weft planned', kind: 'weft', wallMs: [44_000], cpuMs: [88_000] });
    assert.equal(formatShares([{ case: 'x', variant: 'fresh', tools: [plain, weft, tool({ tool: 'orchestrion v1.8.0', kind: 'orchestrion', unavailable: 'offline' })] }]), '');
  });
});

describe('formatCiTable', () => {
  const tool = (over: Partial<ToolResult> & Pick<ToolResult, 'tool' | 'kind'>): ToolResult => ({ wallMs: [], cpuMs: [], processes: null, rssKb: [], mode: null, compiles: [], ...over });
  const plain = tool({ tool: 'plain go', kind: 'plain', wallMs: [400, 500, 600], cpuMs: [200, 300, 200], compilerRuns: 4 });
  const weft = tool({ tool: 'weft', kind: 'weft', wallMs: [600, 550, 900], cpuMs: [300, 400, 500], mode: 'overlay', compiles: [0, 0, 0], planMs: [120, 100, 140], planReuse: ['made', 'reused', 'reused'], compilerRuns: 4 });

  it('prints milliseconds, the per-round ratio and difference to plain go, and how weft got its plans', () => {
    const table = formatCiTable([{ case: '200 packages', variant: 'ci-noop', packages: 200, tools: [plain, weft] }]);
    const rows = table.split('\n');
    assert.equal(rows[2], '| 200 packages | ci-noop | plain go | — | 500 (400–600) | 1.00× | — | 200 (200–300) | 1.00× | — | 4 | — | — | — |');
    // Rounds: 600/400, 550/500, 900/600 → median 1.5×; differences +200, +50, +300 → +200.
    assert.equal(rows[3], '| 200 packages | ci-noop | weft | overlay | 600 (550–900) | 1.50× (1.10–1.50) | +200 (+50 to +300) | 400 (300–500) | 1.50× (1.33–2.50) | +100 (+100 to +300) | 4 | 0 | 120 (100–140) | made 1, reused 2 |');
  });

  it('leaves other variants to formatTable, and formatTable leaves the CI shapes out', () => {
    assert.equal(formatCiTable([{ case: 'x', variant: 'warm', tools: [plain, weft] }]), '');
    assert.equal(formatTable([{ case: 'x', variant: 'ci-edit', tools: [plain, weft] }]), '');
    assert.equal(describeReuse(undefined), '—');
  });
});
