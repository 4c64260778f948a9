// The type oracle's cost per typed package, on net/http (about 60 files, a wide import set):
// a check of the package from its export data and a batch of questions, in a fresh oracle and in
// one that already checked other packages, and a second batch about the same compile (answered
// without a new check). Prints figures; asserts nothing. Run: npm run bench:weave.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOracle, type CheckInput } from '../../src/oracle/index.js';
import { ensureOracle } from '../../src/install/ensure-oracle.js';

interface Listed { ImportPath: string; Dir: string; GoFiles?: string[]; CgoFiles?: string[]; Imports?: string[]; ImportMap?: Record<string, string>; Export?: string }

const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '' };
const [goroot, hostOs, hostArch] = execFileSync('go', ['env', 'GOROOT', 'GOHOSTOS', 'GOHOSTARCH'], { encoding: 'utf8', env }).trim().split('\n');
const compilePath = join(goroot!, 'pkg', 'tool', `${hostOs}_${hostArch}`, 'compile');
const listed = new Map<string, Listed>();
const out = execFileSync('go', ['list', '-deps', '-export', '-json=ImportPath,Dir,GoFiles,Imports,ImportMap,Export', 'net/http', 'encoding/json'], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
for (const chunk of out.split(/\n(?=\{)/)) {
  const p = JSON.parse(chunk) as Listed;
  listed.set(p.ImportPath, p);
}
const work = mkdtempSync(join(tmpdir(), 'weft-bench-oracle-'));

function inputFor(path: string, questions: number): CheckInput {
  const p = listed.get(path)!;
  const importcfg = join(work, `${path.replace(/\W/g, '_')}.importcfg`);
  const lines = (p.Imports ?? []).map((i) => `packagefile ${i}=${listed.get(i)!.Export}`);
  for (const [from, to] of Object.entries(p.ImportMap ?? {})) lines.push(`importmap ${from}=${to}`);
  writeFileSync(importcfg, lines.join('\n') + '\n');
  const files = (p.GoFiles ?? []).map((f) => join(p.Dir, f));
  // Questions at the start of every `func (` receiver name: real offsets, answered or not.
  const qs: CheckInput['questions'] = [];
  for (const file of files) {
    const text = readFileSync(file, 'latin1');
    for (const m of text.matchAll(/\nfunc \((\w+) /g)) {
      if (qs.length >= questions) break;
      const start = m.index + 7;
      qs.push({ k: 'type', file, start, end: start + m[1]!.length });
    }
  }
  return { pkg: path, files, lang: '', goos: hostOs!, goarch: hostArch!, tags: [], importcfg, extra: {}, questions: qs };
}

const binary = await ensureOracle({ compilePath });
const ms = (us: number): string => (us / 1000).toFixed(1);
for (const n of [1, 200]) {
  const o = startOracle({ binary, weftVersion: 'bench' });
  const warmup = await o.check(inputFor('encoding/json', 1));
  const t0 = performance.now();
  const first = await o.check(inputFor('net/http', n));
  const wall = performance.now() - t0;
  const t1 = performance.now();
  const again = await o.check(inputFor('net/http', n));
  const wall2 = performance.now() - t1;
  const answered = first.answers.filter((a) => a.type !== undefined).length;
  console.log(`oracle net/http, ${n} question(s): check+answer ${ms(first.micros)} ms in the oracle, ${wall.toFixed(1)} ms round trip (${first.loaded.length} export files read, ${answered} answered); same compile again ${ms(again.micros)} ms / ${wall2.toFixed(1)} ms (checked: ${again.checked}); encoding/json before it ${ms(warmup.micros)} ms`);
  await o.close();
}
const cold = startOracle({ binary, weftVersion: 'bench' });
const t = performance.now();
await cold.check(inputFor('net/http', 1));
console.log(`oracle process start + first check of net/http: ${(performance.now() - t).toFixed(1)} ms`);
await cold.close();
rmSync(work, { recursive: true, force: true });
