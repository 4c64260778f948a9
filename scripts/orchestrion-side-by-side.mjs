// Builds the ddtrace-service fixture with orchestrion v1.8.0 and with weft, runs both against a
// mock Datadog agent and prints both normalized span lists (and whether they agree).
//
//   npm run build && node scripts/orchestrion-side-by-side.mjs [options]
//     --orchestrion <bin>   use this orchestrion binary instead of building v1.8.0
//     --write-expected      write orchestrion's spans to the fixture's expected-spans.json
//     --weft-config <file>  pass --weft-config to weft (until weft reads orchestrion.tool.go)
//     --skip-weft           only orchestrion (e.g. to refresh the expected data)
//
// orchestrion is built from the fixture's own module (it pins github.com/DataDog/orchestrion
// v1.8.0 in orchestrion.tool.go), so the version is exactly the pinned one and only the module
// proxy is needed. Each tool builds a fresh copy of the fixture; GOCACHE is the user's.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = join(root, 'test', 'e2e', 'fixtures', 'ddtrace-service');
const expectedFile = join(fixture, 'expected-spans.json');
const helpers = join(root, 'dist', 'test', 'e2e', 'ddtrace-service.js');

const { values: opts } = parseArgs({
  options: {
    orchestrion: { type: 'string' },
    'write-expected': { type: 'boolean', default: false },
    'weft-config': { type: 'string' },
    'skip-weft': { type: 'boolean', default: false },
  },
});

if (!existsSync(helpers)) {
  console.error('side-by-side: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const { runServiceAgainstAgent } = await import(helpers);

const work = mkdtempSync(join(tmpdir(), 'weft-side-by-side-'));
const env = { ...process.env, GOTOOLCHAIN: 'local' };

function step(what, cmd, args, cwd) {
  const started = Date.now();
  process.stderr.write(`side-by-side: ${what} ...`);
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (r.status !== 0) {
    console.error(`side-by-side: ${what} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
}

function printSpans(title, run) {
  console.log(`\n== ${title}: exit ${run.code}, ${run.spans.length} spans, stdout ${JSON.stringify(run.stdout.trim())}`);
  for (const s of run.normalized) {
    const tags = Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(' ');
    console.log(`  ${s.name} | ${s.resource} | service=${s.service} type=${s.type} kind=${s.kind} component=${s.component} | parent=${s.parent ?? '-'}${tags ? ` | ${tags}` : ''}`);
  }
  const withTrace = run.logs.filter((l) => typeof l['dd.trace_id'] === 'string' || typeof l['dd.trace_id'] === 'number');
  console.log(`  log records: ${run.logs.length}, with dd.trace_id: ${withTrace.length}`);
}

try {
  let orchestrion = opts.orchestrion ? resolve(opts.orchestrion) : join(work, 'orchestrion');
  if (!opts.orchestrion) step('building orchestrion v1.8.0 from the fixture module', 'go', ['build', '-o', orchestrion, 'github.com/DataDog/orchestrion'], fixture);

  const orchDir = join(work, 'orchestrion-build');
  cpSync(fixture, orchDir, { recursive: true });
  const orchExe = join(work, 'service-orchestrion');
  step('orchestrion go build', orchestrion, ['go', 'build', '-o', orchExe, '.'], orchDir);
  const orchRun = await runServiceAgainstAgent(orchExe, { cwd: orchDir, env });
  printSpans('orchestrion v1.8.0', orchRun);

  if (opts['write-expected']) {
    if (orchRun.code !== 0 || orchRun.spans.length === 0) {
      console.error('side-by-side: orchestrion\'s build did not run cleanly; expected data not written');
      process.exit(1);
    }
    writeFileSync(expectedFile, `${JSON.stringify(orchRun.normalized, null, 2)}\n`);
    console.error(`side-by-side: wrote ${expectedFile}`);
  }

  if (!opts['skip-weft']) {
    const weftDir = join(work, 'weft-build');
    cpSync(fixture, weftDir, { recursive: true });
    const weftExe = join(work, 'service-weft');
    const cfg = opts['weft-config'] ? [`--weft-config=${resolve(opts['weft-config'])}`] : [];
    step('weft go build', process.execPath, [join(root, 'bin', 'weft.js'), 'go', 'build', ...cfg, '-o', weftExe, '.'], weftDir);
    const weftRun = await runServiceAgainstAgent(weftExe, { cwd: weftDir, env });
    printSpans('weft', weftRun);
    const same = JSON.stringify(weftRun.normalized) === JSON.stringify(orchRun.normalized);
    console.log(`\nnormalized spans ${same ? 'agree' : 'DIFFER'}`);
    if (!same) process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
