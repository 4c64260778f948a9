// `weft pin` of dd-trace-go v2.6.0's bundle (orchestrion/all/v2) in a fresh module, against
// what orchestrion's pin writes: its tool file imports the bundle and github.com/DataDog/orchestrion,
// both marked `// integration` (orchestrion internal/pin: updateToolFile), which is the tool file
// of test/heavy/fixtures/ddtrace-bundle. The pinned module loads the same configuration as that
// fixture, `go mod tidy` has nothing to do, and unpin restores every byte. Heavy: the bundle's
// module graph comes from the proxy (a few hundred modules on a cold cache).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfigSet } from '../../src/config/index.js';
import { createConfigPackages } from '../../src/resolve/config-packages.js';
import { copyFixture, hasGo, makeTestEnv, run, runWeft } from '../e2e/helpers.js';

const BUNDLE = 'github.com/DataDog/dd-trace-go/orchestrion/all/v2';

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

/** Blank imports; `marked`: only those marked `// integration`, as orchestrion's pin marks both of its imports. */
const importsOf = (text: string, marked = false): string[] =>
  [...text.matchAll(marked ? /^\s*_\s+"([^"]+)"\s*\/\/ integration$/gm : /^\s*_\s+"([^"]+)"/gm)].map((m) => m[1]!).sort();

describe('weft pin of the dd-trace-go v2.6.0 bundle', { skip: !hasGo && 'go is not installed' }, () => {
  let app = '';
  let fixture = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    app = mkdtempSync(join(tmpdir(), 'weft-heavy-pin-'));
    writeFileSync(join(app, 'go.mod'), 'module example.com/pinned\n\ngo 1.25.0\n');
    writeFileSync(join(app, 'main.go'), 'package main\n\nimport "net/http"\n\nfunc main() { _, _ = http.Get("http://127.0.0.1:1/") }\n');
    fixture = copyFixture('ddtrace-bundle', 'heavy');
    ({ env, cleanup } = makeTestEnv('ddtrace-pin'));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct' };
  });
  after(() => {
    cleanup();
    rmSync(app, { recursive: true, force: true });
    rmSync(fixture, { recursive: true, force: true });
  });

  it('writes the imports orchestrion\'s pin writes, loads the same aspects as the hand-pinned fixture, and unpins to the same bytes', async () => {
    const start = tree(app);
    const pin = await runWeft(['pin', `${BUNDLE}@v2.6.0`], { cwd: app, env, timeoutMs: 1_200_000 });
    assert.equal(pin.code, 0, pin.stderr);
    const toolFile = readFileSync(join(app, 'orchestrion.tool.go'), 'utf8');
    assert.deepEqual(importsOf(toolFile, true), [BUNDLE, 'github.com/DataDog/orchestrion']);
    assert.deepEqual(importsOf(toolFile), importsOf(readFileSync(join(fixture, 'orchestrion.tool.go'), 'utf8')));
    assert.match(readFileSync(join(app, 'go.mod'), 'utf8'), /^tool github\.com\/DataDog\/dd-trace-go\/orchestrion\/all\/v2$/m);
    const tidy = await run('go', ['mod', 'tidy', '-diff'], { cwd: app, env, timeoutMs: 600_000 });
    assert.equal(tidy.code, 0, `go mod tidy would change the pinned module:\n${tidy.stdout}${tidy.stderr}`);

    const load = async (dir: string) => loadConfigSet({ file: null, moduleRoot: dir, locate: createConfigPackages({ go: 'go', dir, env, flags: [], cacheDir: null, keyFiles: [] }).locate });
    const [pinned, handPinned] = await Promise.all([load(app), load(fixture)]);
    assert.equal(pinned.fingerprint, handPinned.fingerprint, 'the same aspects, in the same order');
    console.log(`# pinned: ${pinned.aspects.length} aspects in ${pinned.integrations?.length} integrations`);

    // dd-trace-go's integrations by their short names: contrib/net/http is one package of ~50.
    writeFileSync(join(app, 'weft.yml'), 'integrations:\n  disable: [contrib/net/http, contrib/database/sql]\n');
    const locate = createConfigPackages({ go: 'go', dir: app, env, flags: [], cacheDir: null, keyFiles: [] }).locate;
    const switched = await loadConfigSet({ file: join(app, 'weft.yml'), moduleRoot: app, locate });
    const off = (switched.integrations ?? []).filter((i) => !i.on).map((i) => i.name);
    assert.deepEqual(off.sort(), ['github.com/DataDog/dd-trace-go/contrib/database/sql/v2', 'github.com/DataDog/dd-trace-go/contrib/net/http/v2']);
    // What only net/http's aspects inject is gone; contrib/net/http/v2 itself stays, as httprouter's Router.ServeHTTP injects it too.
    const httpPkg = 'github.com/DataDog/dd-trace-go/contrib/net/http/v2';
    for (const p of [`${httpPkg}/client`, `${httpPkg}/internal/orchestrion`]) {
      assert.ok(pinned.injectedPackages.includes(p) && !switched.injectedPackages.includes(p), `${p} is injected only while net/http is on`);
    }
    assert.ok(switched.injectedPackages.includes(httpPkg));
    assert.ok(switched.aspects.length < pinned.aspects.length);
    rmSync(join(app, 'weft.yml'));

    const unpin = await runWeft(['unpin', BUNDLE], { cwd: app, env, timeoutMs: 600_000 });
    assert.equal(unpin.code, 0, unpin.stderr);
    const now = tree(app);
    assert.deepEqual([...now.keys()], [...start.keys()]);
    for (const [f, text] of start) assert.equal(now.get(f), text, `${f} differs after unpin`);
  });
});
