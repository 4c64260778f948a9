// Runs the compiled test suite (dist/test/<group>/**/*.test.js) in one `node --test` process so
// the closing summary counts every test. Groups: unit, assembly, golden, e2e (the default: all
// four, what `npm test` and CI run), heavy (long fuzzing, stress, large downloads and builds;
// only when named: `npm run test:heavy`) and core (the e2e core, `npm run test:core`, which CI
// runs again under another toolchain: WEFT_TEST_GOTOOLCHAIN, test/e2e/helpers.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultGroups = ['unit', 'assembly', 'golden', 'e2e'];
const allGroups = [...defaultGroups, 'heavy', 'core'];
// The e2e core: what must pass on every toolchain CI tests (the newest approved one too, see
// .ci/run): the dd-trace fixture, go test with -cover and -race plus drop-in mode (inject),
// overlay, planned and toolexec modes (overlay, planned, build-modes), the pipeline fixture
// (shim, in-process and drop-in servers), GOFLAGS from go env -w, and the toolchain's flag table.
const CORE = [
  'e2e/ddtrace.test.js', 'e2e/inject.test.js', 'e2e/overlay.test.js', 'e2e/planned.test.js', 'e2e/build-modes.test.js',
  'e2e/pipeline.test.js', 'e2e/goenv-flags.test.js', 'unit/toolexec/go-flag-arity.test.js', 'unit/weaving/go-command-sources.test.js',
];
const groups = process.argv.slice(2).length > 0 ? process.argv.slice(2) : defaultGroups;

function collect(dir, out) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
}

const files = [];
for (const g of groups) {
  if (!allGroups.includes(g)) {
    console.error(`run-tests: unknown group ${JSON.stringify(g)}; use one of ${allGroups.join(', ')}`);
    process.exit(2);
  }
  if (g === 'core') files.push(...CORE.map((f) => join(root, 'dist', 'test', f)));
  else collect(join(root, 'dist', 'test', g), files);
}
if (files.length === 0) {
  console.error('run-tests: no compiled tests found under dist/test; run `npm run build` first');
  process.exit(2);
}
// One GOCACHE for every e2e build of this run (test/e2e/helpers.ts makeTestEnv): std and the
// shared modules compile once, not once per test file. A WEFT_E2E_GOCACHE given by the caller
// (a CI cache that outlives the run) is used and kept.
const given = process.env.WEFT_E2E_GOCACHE;
const gocache = given || mkdtempSync(join(tmpdir(), 'weft-e2e-run-gocache-'));
// A Ctrl-C stops the tests (same process group); this process outlives it to remove the cache.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => {});
// Builds run in-process: no test may leave a module's daemon behind. The daemon's own tests
// (test/e2e/daemon.test.ts) turn it on in a runtime directory of their own and stop it.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root, env: { ...process.env, WEFT_E2E_GOCACHE: gocache, WEFT_DAEMON: 'off' } });
if (!given) rmSync(gocache, { recursive: true, force: true });
process.exit(r.status ?? 1);
