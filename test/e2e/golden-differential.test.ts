// The differential test of the golden inputs: every case of test/golden/cases becomes a package
// of one module (example.com/golden/<case>), its aspects limited to that package, all in one
// weft.yml; one `weft go build -work` weaves them all, and the woven files the compiles received
// (kept in go's $WORK) must be, byte for byte, what `weft weave` writes for that package's files
// (the command's own entry point, the CLI's typed weaver included). A case that another case's
// advice imports is built a second time with only its own aspects (see below). Cases left out are listed
// with their reason; a case whose package go cannot load (it imports what the module does not
// have) is reported by go's own error.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { weaveCommand } from '../../src/weave/command.js';
import { packageWeaver } from '../../src/weaving/package-types.js';
import { silentLogger } from '../../src/log.js';
import { hasGo, makeTestEnv, repoRoot, run, runWeftGo } from './helpers.js';

const casesDir = join(repoRoot, 'test', 'golden', 'cases');
const MODULE = 'example.com/golden';

interface Case {
  name: string;
  importPath: string;
  inputs: string[];
  aspects: unknown[];
  /** The configuration it is built and woven with. */
  config: string;
}

/** Cases that cannot be a package of a real build, and why. */
function exclusion(dir: string, inputs: readonly string[]): string | null {
  if (existsSync(join(dir, 'expected.err'))) return 'the weave fails by design (expected.err)';
  if (existsSync(join(dir, 'case.json')) && (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { compile?: boolean }).compile === false) return 'case.json: its output is not a complete package';
  if (/^import "C"$/m.test(readFileSync(join(dir, 'input.go'), 'utf8'))) return 'cgo: a build weaves the file cgo generates (input.cgo1.go), weft weave the file as written';
  if (inputs.some((f) => f.startsWith('_'))) return 'a generated test main (_testmain.go): go ignores files named _*, only `go test` compiles one';
  return null;
}

describe('golden inputs: weft weave and a real build weave them identically', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const cases: Case[] = [];
  const skipped: string[] = [];
  /** Build's woven text by original file path. */
  const built = new Map<string, string>();

  before(async () => {
    mod = mkdtempSync(join(tmpdir(), 'weft-e2e-golden-diff-'));
    ({ env, cleanup } = makeTestEnv('golden-diff'));
    writeFileSync(join(mod, 'go.mod'), `module ${MODULE}\n\ngo 1.22\n`);
    const aspects: unknown[] = [];
    for (const name of readdirSync(casesDir).sort()) {
      const dir = join(casesDir, name);
      if (!existsSync(join(dir, 'aspects.yml'))) continue;
      const inputs = readdirSync(dir).filter((f) => f === 'input.go' || f === '_testmain.go' || /^input_.*\.go$/.test(f)).sort();
      const why = exclusion(dir, inputs);
      if (why !== null) {
        skipped.push(`${name}: ${why}`);
        continue;
      }
      const opts = existsSync(join(dir, 'case.json')) ? (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { importPath?: string }) : {};
      if (opts.importPath !== undefined) {
        skipped.push(`${name}: woven as ${opts.importPath}, which is not a package of this module`);
        continue;
      }
      const doc = parse(readFileSync(join(dir, 'aspects.yml'), 'utf8')) as { aspects?: { id: string; 'join-point': unknown }[] };
      if (!Array.isArray(doc.aspects)) {
        skipped.push(`${name}: an otelc rule file, not merged into the one orchestrion-schema weft.yml this build uses`);
        continue;
      }
      const importPath = `${MODULE}/${name}`;
      mkdirSync(join(mod, name));
      for (const f of inputs) copyFileSync(join(dir, f), join(mod, name, f));
      const own = doc.aspects.map((a) => ({ ...a, id: `${name}--${a.id}`, 'join-point': { 'all-of': [{ 'package-filter': importPath }, a['join-point']] } }));
      aspects.push(...own);
      cases.push({ name, importPath, inputs, aspects: own, config: join(mod, 'weft.yml') });
    }
    const write = (file: string, list: unknown[]): void => writeFileSync(file, stringify({ meta: { name: 'golden', description: 'golden cases, each limited to its package' }, aspects: list }));
    write(join(mod, 'weft.yml'), aspects);
    // A case another case's advice imports is compiled by the injection's own `go list -export`
    // (another $WORK) under the whole configuration: it is built again with only its aspects.
    const injected = new Set((await loadConfig(join(mod, 'weft.yml'))).injectedPackages);
    const second = cases.filter((c) => injected.has(c.importPath));
    for (const c of second) c.config = join(mod, 'weft-injected.yml');
    write(join(mod, 'weft-injected.yml'), second.flatMap((c) => c.aspects));

    // Packages go cannot load (imports the module does not provide) cannot be built.
    const listed = await run('go', ['list', '-e', '-f', '{{.ImportPath}}\t{{if .Error}}{{.Error}}{{else}}{{range .DepsErrors}}{{.}} {{end}}{{end}}', './...'], { cwd: mod, env });
    assert.equal(listed.code, 0, listed.stderr);
    const unloadable = new Map(listed.stdout.trim().split('\n').map((l) => l.split('\t') as [string, string]).filter(([, e]) => e !== undefined && e.trim() !== ''));
    for (const c of [...cases]) {
      const e = unloadable.get(c.importPath);
      if (e !== undefined) {
        skipped.push(`${c.name}: go cannot load it: ${e.trim().split('\n')[0]}`);
        cases.splice(cases.indexOf(c), 1);
      }
    }
    const builds = [cases.filter((c) => !injected.has(c.importPath)), second];
    for (const [i, group] of builds.entries()) {
      if (group.length === 0) continue;
      const r = await runWeftGo(['build', '-work', '--weft-mode=toolexec', `--weft-config=${group[0]!.config}`, ...group.map((c) => `./${c.name}`)], { cwd: mod, env, timeoutMs: 600_000 });
      const work = /^WORK=(.+)$/m.exec(r.stderr)?.[1];
      if (r.code !== 0) console.log(`# build ${i + 1} failed (exit ${r.code}):\n${r.stderr.split('\n').map((l) => `#   ${l}`).join('\n')}`);
      assert.ok(work !== undefined, `go printed WORK=:\n${r.stderr.slice(-3000)}`);
      for (const b of readdirSync(work)) {
        let names: string[] = [];
        try {
          names = readdirSync(join(work, b));
        } catch {
          continue;
        }
        for (const n of names) {
          const m = /^weft-\d+-(.+\.go)$/.exec(n);
          if (m === null) continue;
          const text = readFileSync(join(work, b, n), 'utf8');
          const c = group.find((k) => text.includes(`${join(mod, k.name)}/${m[1]}`));
          if (c !== undefined) built.set(join(mod, c.name, m[1]!), text);
        }
      }
      rmSync(work, { recursive: true, force: true });
    }
    console.log(`# golden differential: ${cases.length} cases compared, ${skipped.length} left out:\n${skipped.map((s) => `#   ${s}`).join('\n')}`);
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
  });

  it('every case is compared but the listed ones', () => {
    assert.ok(cases.length >= 100, `${cases.length} cases compared; left out:\n${skipped.join('\n')}`);
  });

  it('each package is woven identically by weft weave and by the build', async () => {
    const differ: string[] = [];
    for (const c of cases) {
      const out = mkdtempSync(join(tmpdir(), 'weft-e2e-golden-diff-out-'));
      try {
        let stderr = '';
        const code = await weaveCommand({
          config: c.config,
          importPath: c.importPath,
          files: c.inputs.map((f) => join(mod, c.name, f)),
          out,
          weaver: (config, dir) => packageWeaver({ config, go: 'go', dir, env, flags: [], log: silentLogger() }),
          stdout: () => {},
          stderr: (t) => void (stderr += t),
        });
        if (code !== 0) {
          differ.push(`${c.name}: weft weave failed: ${stderr}`);
          continue;
        }
        for (const f of c.inputs) {
          const weaved = existsSync(join(out, f)) ? readFileSync(join(out, f), 'utf8') : null;
          const inBuild = built.get(join(mod, c.name, f)) ?? null;
          if (weaved !== inBuild) differ.push(`${c.name}/${f}: weft weave ${weaved === null ? 'left it unchanged' : 'wove it'}, the build ${inBuild === null ? 'left it unchanged' : weaved === null ? 'wove it' : 'wove it differently'}${weaved !== null && inBuild !== null ? `\n--- weave\n${weaved}\n--- build\n${inBuild}` : ''}`);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    assert.deepEqual(differ, []);
  });
});
