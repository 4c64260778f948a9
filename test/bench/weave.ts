// Benchmark of the weaver: parse, match and weave throughput on large real files from GOROOT,
// and the time per package (matched and untouched). Prints figures; asserts nothing.
// Run: npm run bench:weave (after npm run build).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '../../src/config/advice/common.js';
import type { ResolvedAspect, ResolvedConfig, SourceLocation } from '../../src/config/types.js';
import type { WeavePackageInput } from '../../src/weave/api.js';
import { loadGoParser, parseGoSync } from '../../src/weave/syntax.js';
import { planAspects, weaveFile, type PackageState } from '../../src/weave/weave-file.js';
import { weavePackage } from '../../src/weave/weave-package.js';

const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const src = join(goroot, 'src');
const LOC: SourceLocation = { file: 'bench.yml', line: 1, path: 'aspects' };

const tmpl = (source: string, imports: Record<string, string> = {}) => ({ source, imports, lang: null, location: LOC });
const aspects: ResolvedAspect[] = [
  {
    id: 'server-serve',
    joinPoint: { kind: 'function-body', function: { kind: 'function', options: [{ kind: 'receiver', type: { kind: 'pointer', elem: { kind: 'named', path: 'net/http', name: 'Server', text: 'net/http.Server' }, text: '*net/http.Server' } }, { kind: 'name', name: 'Serve' }], location: LOC }, location: LOC },
    advice: [{ kind: 'prepend-statements', namespace: DEFAULT_NAMESPACE, order: 0, location: LOC, template: tmpl('println("serve", {{ .Function.Receiver }}.Addr)') }],
    location: LOC,
  },
  {
    id: 'handler-bodies',
    joinPoint: { kind: 'function-body', function: { kind: 'function', options: [{ kind: 'signature-contains', args: [{ kind: 'pointer', elem: { kind: 'named', path: 'net/http', name: 'Request', text: 'net/http.Request' }, text: '*net/http.Request' }], returns: [] }], location: LOC }, location: LOC },
    advice: [{ kind: 'prepend-statements', namespace: DEFAULT_NAMESPACE, order: 0, location: LOC, template: tmpl('_ = {{ .Function.ArgumentOfType "*net/http.Request" }}') }],
    location: LOC,
  },
  {
    id: 'errors-new',
    joinPoint: { kind: 'function-call', callee: { path: 'errors', name: 'New' }, location: LOC },
    advice: [{ kind: 'wrap-expression', namespace: DEFAULT_NAMESPACE, order: 0, location: LOC, template: tmpl('fmt.Errorf("%w", {{ . }})', { fmt: 'fmt' }) }],
    location: LOC,
  },
  {
    id: 'sql-open',
    joinPoint: { kind: 'function-call', callee: { path: 'database/sql', name: 'Open' }, location: LOC },
    advice: [{ kind: 'wrap-expression', namespace: DEFAULT_NAMESPACE, order: 0, location: LOC, template: tmpl('{{ . }}') }],
    location: LOC,
  },
];
const config: ResolvedConfig = { files: [], aspects, injectedPackages: [], fingerprint: 'bench' };

const files = ['net/http/server.go', 'net/http/transport.go', 'net/http/request.go', 'go/parser/parser.go', 'runtime/proc.go', 'cmd/compile/internal/ssa/rewriteAMD64.go']
  .map((f) => join(src, f))
  .map((path) => ({ path, text: readFileSync(path, 'utf8') }));

function pkgFiles(dir: string): string[] {
  return readdirSync(join(src, dir)).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).map((f) => join(src, dir, f));
}

function inputFor(importPath: string, dir: string): WeavePackageInput {
  return { importPath, toolexecImportPath: importPath, files: pkgFiles(dir), importcfgPackages: [], lang: 'go1.26', goVersion: '', moduleRoot: '', isTestMain: false };
}

/** CPU milliseconds of this thread's process (user + system): steadier than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function mb(bytes: number): number {
  return bytes / 1024 / 1024;
}

async function main(): Promise<void> {
  const parser = await loadGoParser();
  const rounds = 5;
  console.log(`weft weave benchmark (${process.version}, ${rounds} rounds, median; MB/s of CPU time, wall in brackets)\n`);
  console.log('file                                         KiB   tree-sitter   parse+copy   parse+match+weave  woven');
  let totalBytes = 0;
  let totalRaw = 0;
  let totalParse = 0;
  let totalWeave = 0;
  for (const f of files) {
    const bytes = Buffer.byteLength(f.text);
    const importPath = f.path.slice(src.length + 1).replace(/\/[^/]+$/, '');
    const pkg = { importPath, packageName: '', isTestMain: false, moduleRoot: '', toolexecImportPath: importPath };
    const plans = planAspects(aspects, pkg);
    const raw: number[] = [];
    const rawWall: number[] = [];
    const parseTimes: number[] = [];
    const parseWall: number[] = [];
    const weaveTimes: number[] = [];
    const weaveWall: number[] = [];
    let woven = false;
    for (let i = 0; i < rounds; i++) {
      let c0 = cpuMs();
      let t0 = performance.now();
      parser.parse(f.text)!.delete();
      raw.push(cpuMs() - c0);
      rawWall.push(performance.now() - t0);
      c0 = cpuMs();
      t0 = performance.now();
      parseGoSync(parser, f.text);
      parseTimes.push(cpuMs() - c0);
      parseWall.push(performance.now() - t0);
      const state: PackageState = { pkg, packageFile: '', injectedKeys: new Set(), addedImports: new Set(), links: new Set(), lang: '', aspects: new Set(), warnings: [] };
      c0 = cpuMs();
      t0 = performance.now();
      woven = weaveFile(parser, f.path, f.text, plans, state) !== null;
      weaveTimes.push(cpuMs() - c0);
      weaveWall.push(performance.now() - t0);
    }
    const r = median(raw);
    const p = median(parseTimes);
    const w = median(weaveTimes);
    totalBytes += bytes;
    totalRaw += r;
    totalParse += p;
    totalWeave += w;
    const rate = (ms: number): string => (mb(bytes) / (ms / 1000)).toFixed(2);
    const name = f.path.slice(src.length + 1).padEnd(42);
    console.log(`${name} ${String(Math.round(bytes / 1024)).padStart(5)}   ${`${rate(r)} [${rate(median(rawWall))}]`.padStart(11)}  ${`${rate(p)} [${rate(median(parseWall))}]`.padStart(11)}  ${`${rate(w)} [${rate(median(weaveWall))}]`.padStart(18)}  ${woven ? 'yes' : 'no'}`);
  }
  const all = (ms: number): string => (mb(totalBytes) / (ms / 1000)).toFixed(2);
  console.log(`${'all (CPU)'.padEnd(42)} ${String(Math.round(totalBytes / 1024)).padStart(5)}   ${all(totalRaw).padStart(11)}  ${all(totalParse).padStart(11)}  ${all(totalWeave).padStart(18)}`);

  console.log('\npackage (weavePackage: read, pre-filter, parse candidates, weave)     files  parsed  woven  CPU ms  wall ms');
  for (const [importPath, dir] of [['net/http', 'net/http'], ['database/sql', 'database/sql'], ['strings', 'strings'], ['encoding/json', 'encoding/json'], ['unicode/utf8', 'unicode/utf8'], ['sort', 'sort']] as const) {
    const input = inputFor(importPath, dir);
    const times: number[] = [];
    const cpu: number[] = [];
    let last = null;
    for (let i = 0; i < rounds; i++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      last = await weavePackage(input, config);
      times.push(performance.now() - t0);
      cpu.push(cpuMs() - c0);
    }
    const s = last!.stats;
    console.log(`${importPath.padEnd(70)} ${String(s.filesScanned).padStart(5)} ${String(s.filesParsed).padStart(7)} ${String(s.filesWoven).padStart(6)} ${median(cpu).toFixed(1).padStart(7)} ${median(times).toFixed(1).padStart(8)}`);
  }
}

await main();
