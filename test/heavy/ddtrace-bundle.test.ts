// The whole dd-trace-go v2.6.0 bundle (github.com/DataDog/dd-trace-go/orchestrion/all/v2),
// pinned by test/heavy/fixtures/ddtrace-bundle as orchestrion users pin it. Heavy: the module
// closure is large (every integration's dependencies) and the build weaves a gin service with
// every aspect loaded.
//
// 1. Every aspect file the bundle reaches loads without error, and weft loads every one of them:
//    an independent plain-text walk (tool-file imports → package directories through
//    `go list -m -json all`, then `extends:` lines) counts the `- id:` entries of each
//    orchestrion*.yml and the test compares file by file with what weft's loader reports.
// 2. `weft go build` of the fixture (gin, net/http, database/sql) produces a binary whose spans
//    reach a mock agent: gin's server span, the net/http client span and the SQL span, one trace.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfigSet } from '../../src/config/index.js';
import { createConfigPackages } from '../../src/resolve/config-packages.js';
import { copyFixture, hasGo, makeTestEnv, repoRoot, run, runWeftGo } from '../e2e/helpers.js';
import { agentEnv, normalizeSpans, startMockAgent, type NormalizedSpan } from '../e2e/mock-agent.js';

const FIXTURE = 'ddtrace-bundle';
const ORCHESTRION = 'github.com/DataDog/orchestrion';

interface ModuleInfo {
  Path: string;
  Dir?: string;
}

/** The blank imports of a Go file, by plain text (a tool file is nothing but imports). */
function toolFileImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*_\s+"([^"]+)"/gm)].map((m) => m[1]!);
}

/** `extends:` entries of an aspect file, by plain text. */
function extendsOf(file: string): string[] {
  const out: string[] = [];
  let inExtends = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^extends:\s*$/.test(line)) {
      inExtends = true;
      continue;
    }
    if (!inExtends) continue;
    const m = /^\s*-\s*(\S+)\s*(#.*)?$/.exec(line);
    if (m) out.push(m[1]!);
    else if (/^\S/.test(line)) inExtends = false;
  }
  return out;
}

function countIds(file: string): number {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*-\s+id:/gm)].length;
}

/**
 * Every orchestrion*.yml the bundle reaches and its number of aspects, found without weft: the
 * tool file's imports (recursively through nested orchestrion.tool.go files), each package's
 * orchestrion*.yml files, and what their `extends:` name. orchestrion's own package is skipped:
 * its built-in aspects are Go code, not YAML.
 */
function scanBundle(moduleDir: string, modules: readonly ModuleInfo[]): Map<string, number> {
  const dirOf = (importPath: string): string | null => {
    let best: ModuleInfo | undefined;
    for (const m of modules) {
      if (m.Dir && (importPath === m.Path || importPath.startsWith(`${m.Path}/`)) && (!best || m.Path.length > best.Path.length)) best = m;
    }
    return best?.Dir ? join(best.Dir, importPath.slice(best.Path.length)) : null;
  };
  const files = new Map<string, number>();
  const seenPkgs = new Set<string>();
  const addYaml = (file: string): void => {
    const real = realpathSync(file);
    if (files.has(real)) return;
    files.set(real, countIds(real));
    for (const e of extendsOf(real)) {
      const target = resolve(dirname(real), e);
      if (target.endsWith('.yml') || target.endsWith('.yaml')) addYaml(target);
    }
  };
  const visit = (toolFile: string): void => {
    for (const imp of toolFileImports(toolFile)) {
      if (imp === ORCHESTRION || seenPkgs.has(imp)) continue;
      seenPkgs.add(imp);
      const dir = dirOf(imp);
      assert.ok(dir && existsSync(dir), `no directory for ${imp} (imported by ${toolFile})`);
      if (existsSync(join(dir, 'orchestrion.tool.go'))) visit(join(dir, 'orchestrion.tool.go'));
      if (existsSync(join(dir, 'orchestrion.yml'))) addYaml(join(dir, 'orchestrion.yml'));
    }
  };
  visit(join(moduleDir, 'orchestrion.tool.go'));
  return files;
}

describe('the dd-trace-go v2.6.0 bundle (orchestrion/all/v2) under weft', { skip: !hasGo && 'go is not installed' }, () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(async () => {
    dir = copyFixture(FIXTURE, 'heavy');
    ({ env, cleanup } = makeTestEnv(FIXTURE));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=readonly' };
    const dl = await run('go', ['mod', 'download'], { cwd: dir, env, timeoutMs: 900_000 });
    assert.equal(dl.code, 0, dl.stderr);
  });
  after(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every aspect file the bundle reaches loads, with as many aspects as a plain-text count finds', async () => {
    const list = await run('go', ['list', '-m', '-json', 'all'], { cwd: dir, env });
    assert.equal(list.code, 0, list.stderr);
    const modules = [...list.stdout.matchAll(/\{[^{}]*\}/g)].map((m) => JSON.parse(m[0]) as ModuleInfo);
    const expected = scanBundle(dir, modules);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    // dd-trace-go v2.6.0: 48 files, 128 aspects. A much smaller count means the scan broke.
    assert.ok(expected.size >= 40 && total >= 100, `the plain scan found ${expected.size} files, ${total} aspects`);

    const packages = createConfigPackages({ go: 'go', dir, env, flags: [], cacheDir: null, keyFiles: [] });
    const config = await loadConfigSet({ file: null, moduleRoot: dir, locate: packages.locate });
    const loaded = new Map<string, number>();
    for (const s of config.sources ?? []) if (s.kind === 'yaml') loaded.set(realpathSync(s.file), s.aspects);

    const missing = [...expected.keys()].filter((f) => !loaded.has(f));
    assert.deepEqual(missing, [], `aspect files weft did not load:\n${missing.join('\n')}`);
    const differ = [...expected].filter(([f, n]) => loaded.get(f) !== n).map(([f, n]) => `${f}: ${n} ids, weft loaded ${loaded.get(f)}`);
    assert.deepEqual(differ, [], differ.join('\n'));
    const fromYaml = [...loaded.values()].reduce((a, b) => a + b, 0);
    assert.equal(fromYaml, total);
    console.log(`# bundle: ${expected.size} files, ${total} aspects (weft: ${config.aspects.length} with built-ins)`);
  });

  it('a gin service built with the bundle pinned reports gin, net/http client and SQL spans in one trace', async () => {
    const exe = join(dir, 'service');
    // The first compile that needs an injected package waits for one export run of everything
    // the bundle may inject (~90 packages, ~800 compiles with their closures): minutes on two
    // cores, beyond the default 5-minute call timeout.
    const b = await runWeftGo(['build', '-o', exe, '.'], { cwd: dir, env: { ...env, WEFT_CALL_TIMEOUT: '30m' }, timeoutMs: 2_400_000 });
    assert.equal(b.code, 0, b.stderr);
    console.log(`# bundle build: ${b.ms} ms, ${b.stats.compileRequests} compiles, ${b.stats.woven} woven`);
    const agent = await startMockAgent();
    try {
      const r = await run(exe, [], { cwd: dir, env: { ...env, ...agentEnv(agent.url, FIXTURE) }, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '42\n');
      const spans = await agent.waitForSpans(3, 5_000);
      const client = spans.find((s) => s.name === 'http.request' && s.meta['span.kind'] === 'client');
      const server = spans.find((s) => s.meta.component === 'gin-gonic/gin');
      const query = spans.find((s) => s.type === 'sql' && s.resource === 'SELECT 42');
      const shape = JSON.stringify(spans.map((s) => `${s.name} ${s.resource} ${s.meta.component ?? ''}`));
      assert.ok(client && server && query, `spans: ${shape}`);
      assert.equal(server.traceId, client.traceId);
      assert.equal(query.traceId, client.traceId);
      // What orchestrion v1.8.0's build of the same service reports, recorded once (normalized:
      // names, resources, kinds, components and parents; no ids or timings).
      await new Promise((res) => setTimeout(res, 1_500));
      const expected = JSON.parse(readFileSync(join(repoRoot, 'test', 'heavy', 'ddtrace-bundle-spans.json'), 'utf8')) as NormalizedSpan[];
      assert.deepEqual(normalizeSpans(agent.spans()), expected);
    } finally {
      await agent.close();
    }
  });
});
