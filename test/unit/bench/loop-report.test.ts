// The edit-loop benchmark's pure parts: the generated chain and hub modules (which package an
// edit changes and what imports it), and its tables. No timing is asserted: only what the
// numbers are computed from.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DaemonInfo } from '../../bench/build-env.js';
import { formatLoopTable, formatRssTable, modesRan, rssGrowth, type LoopSample, type RssResult } from '../../bench/loop-report.js';
import { loopEditTarget, loopRecompiles, MAIN_DIR, writeLoopModule, writeLoopPackage, type LoopModule } from '../../bench/monorepo.js';

const importsOf = (src: string): string[] => {
  const block = /import \(\n([\s\S]*?)\n\)/.exec(src);
  return block === null ? [] : block[1]!.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => JSON.parse(l) as string);
};

describe('edit-loop modules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('chain: p0000 … p0004 import each other in a line and the leaf p0004, the rest only the standard library, main imports all', () => {
    const m: LoopModule = { packages: 12, shape: 'chain', depth: 5, generator: 'unit test' };
    const d = join(dir, 'chain');
    writeLoopModule(mkdirp(d), m);
    const read = (p: string): string => readFileSync(join(d, p), 'utf8');
    assert.equal(readdirSync(d).filter((e) => e.startsWith('p')).length, 11);
    for (let i = 0; i < 3; i++) assert.deepEqual(importsOf(read(`p000${i}/p000${i}.go`)), ['fmt', 'strings', `example.com/bench/p000${i + 1}`, 'example.com/bench/p0004']);
    assert.deepEqual(importsOf(read('p0003/p0003.go')), ['fmt', 'strings', 'example.com/bench/p0004']);
    for (let i = 0; i < 4; i++) assert.match(read(`p000${i}/p000${i}.go`), /\tt \+= p0004\.Salt\(\)\n/);
    assert.match(read('p0001/p0001.go'), /\tt \+= p0002\.Value\(n \+ 1\)\n/);
    assert.deepEqual(importsOf(read('p0004/p0004.go')), ['fmt', 'strings']);
    assert.deepEqual(importsOf(read('p0010/p0010.go')), ['fmt', 'strings']);
    assert.deepEqual(importsOf(read(join(MAIN_DIR, 'main.go'))), ['fmt', ...Array.from({ length: 11 }, (_, i) => `example.com/bench/p${String(i).padStart(4, '0')}`)]);
    assert.equal(loopEditTarget(m), 4);
    assert.equal(loopRecompiles(m), 6);
  });

  it('hub: every other package imports p0000, and an edit of p0000 recompiles the whole module', () => {
    const m: LoopModule = { packages: 6, shape: 'hub', depth: 0, generator: 'unit test' };
    const d = join(dir, 'hub');
    writeLoopModule(mkdirp(d), m);
    assert.deepEqual(importsOf(readFileSync(join(d, 'p0000/p0000.go'), 'utf8')), ['fmt', 'strings']);
    for (let i = 1; i < 5; i++) {
      const src = readFileSync(join(d, `p000${i}/p000${i}.go`), 'utf8');
      assert.deepEqual(importsOf(src), ['fmt', 'strings', 'example.com/bench/p0000']);
      assert.match(src, /\tt \+= p0000\.Salt\(\)\n/);
    }
    assert.equal(loopEditTarget(m), 0);
    assert.equal(loopRecompiles(m), 6);
  });

  it('an edit changes the constant Salt() returns and nothing else (no new API)', () => {
    const m: LoopModule = { packages: 3, shape: 'chain', depth: 2, generator: 'unit test' };
    const d = join(dir, 'edit');
    writeLoopModule(mkdirp(d), m);
    const before = readFileSync(join(d, 'p0001/p0001.go'), 'utf8');
    writeLoopPackage(d, m, 1, 77);
    const edited = readFileSync(join(d, 'p0001/p0001.go'), 'utf8');
    assert.notEqual(edited, before);
    assert.equal(edited.replace('func Salt() int { return 77 }', 'func Salt() int { return 0 }'), before);
    assert.equal(edited.match(/^func /gm)?.length, 2);
  });

  it('refuses a chain longer than the module', () => {
    assert.throws(() => writeLoopModule(dir, { packages: 4, shape: 'chain', depth: 4, generator: 'unit test' }), /no chain module of 4 packages and depth 4/);
  });
});

function mkdirp(d: string): string {
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

const daemon = (pid: number, vmRssKb: number | null, reportedRssKb: number | null = null): DaemonInfo => ({ pid, vmRssKb, reportedRssKb, vmHwmKb: null, builds: null });
const sample = (wallMs: number, cpuMs: number, over: Partial<LoopSample> = {}): LoopSample => ({ wallMs, cpuMs, daemonCpuMs: null, mode: null, viaDaemon: null, daemon: null, ...over });

describe('formatLoopTable', () => {
  it('pairs each run with plain go\'s of the same round, says which mode ran and how many runs the daemon served', () => {
    const text = formatLoopTable([{
      case: 'edit, 6 recompiled',
      about: '150 packages',
      recompiled: 6,
      tools: [
        { tool: 'plain go', kind: 'plain', daemon: false, samples: [sample(200, 100), sample(400, 300)] },
        { tool: 'weft planned (in-process)', kind: 'weft', daemon: false, samples: [sample(500, 200, { mode: 'planned' }), sample(600, 300, { mode: 'planned' })] },
        { tool: 'weft auto (daemon)', kind: 'weft', daemon: true, samples: [sample(300, 150, { mode: 'overlay', viaDaemon: true, daemon: daemon(7, 90 * 1024) }), sample(400, 300, { mode: 'planned', viaDaemon: false, daemon: daemon(7, 100 * 1024) })] },
        { tool: 'weft overlay (in-process)', kind: 'weft', daemon: false, unavailable: 'weft: --weft-mode=overlay is not a build mode', samples: [] },
      ],
    }]).split('\n');
    assert.deepEqual(lines(text.slice(0, 6)), [
      '| edit, 6 recompiled | plain go | — | — | 0.300 (0.200–0.400) | 1.00× | 0.200 (0.100–0.300) | 1.00× | — |',
      '| edit, 6 recompiled | weft planned (in-process) | planned | — | 0.550 (0.500–0.600) | 2.00× (1.50–2.50) | 0.250 (0.200–0.300) | 1.50× (1.00–2.00) | — |',
      '| edit, 6 recompiled | weft auto (daemon) | overlay ×1, planned ×1 | 1/2 | 0.350 (0.300–0.400) | 1.25× (1.00–1.50) | 0.225 (0.150–0.300) | 1.25× (1.00–1.50) | 100 |',
      '| edit, 6 recompiled | weft overlay (in-process) | — | — | unavailable [1] | — | — | — | — |',
    ]);
    assert.deepEqual(text.slice(6), ['', '- edit, 6 recompiled: 150 packages; an edit recompiles 6 packages (plain go -x)', '', '[1] weft: --weft-mode=overlay is not a build mode']);
  });

  const lines = (all: string[]): string[] => {
    assert.equal(all[0], '| case | tool | mode ran | via daemon | wall s | wall × plain | CPU s | CPU × plain | daemon RSS MiB |');
    return all.slice(2);
  };

  it('modesRan: one name when every run agrees, ? when weft wrote no stats', () => {
    assert.equal(modesRan([sample(1, 1, { mode: 'planned' }), sample(1, 1, { mode: 'planned' })]), 'planned');
    assert.equal(modesRan([sample(1, 1)]), '?');
  });
});

describe('formatRssTable', () => {
  const r: RssResult = {
    tool: 'weft auto (daemon)',
    packages: 1000,
    points: [
      { build: 1, wallMs: 2500, daemon: daemon(42, 100 * 1024, 110 * 1024), viaDaemon: true },
      { build: 50, wallMs: 2000, daemon: daemon(42, 115 * 1024, 120 * 1024), viaDaemon: true },
    ],
  };

  it('prints each checkpoint and the growth from the first to the last, by VmRSS', () => {
    const text = formatRssTable(r).split('\n');
    assert.equal(text[2], '| 1 | 42 | 110.0 | 100.0 | — | 2.500 | yes |');
    assert.equal(text[3], '| 50 | 42 | 120.0 | 115.0 | — | 2.000 | yes |');
    assert.equal(text[5], 'RSS after build 50 / after build 1: 1.15× (VmRSS 100.0 → 115.0 MiB)');
  });

  it('no growth figure when another daemon answered at the end (a restart is not a leak measurement)', () => {
    assert.equal(rssGrowth({ ...r, points: [r.points[0]!, { ...r.points[1]!, daemon: daemon(43, 50 * 1024) }] }), null);
  });

  it('says daemon unavailable, with the reason, when there is none', () => {
    assert.equal(formatRssTable({ tool: 'weft (daemon)', packages: 1000, unavailable: 'no daemon running', points: [] }), 'daemon RSS, 1000 packages, weft (daemon): daemon unavailable: no daemon running');
  });
});
