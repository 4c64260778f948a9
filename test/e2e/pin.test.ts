// `weft pin` / `weft unpin` with the real go command against a module proxy the test writes into a
// directory (GOPROXY=file://): a stand-in bundle (test/e2e/fixtures/pin/bundle: two integrations,
// greet and count, and a dependency it needs at v1.2.0) and weft's pack stood in by a local
// module (WEFT_PACK_DIR). Each case: the module's whole tree is byte-identical after unpin, and
// `go mod tidy` has nothing to do after each step. A pinned module builds with `weft go build`
// and its binary reports the bundle's spans.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasGo, makeTestEnv, repoRoot, run, runWeft } from './helpers.js';
import { filesOf, writeModuleProxy } from './module-proxy.js';

const FIXTURE = join(repoRoot, 'test', 'e2e', 'fixtures', 'pin');
const depFiles = (v: string): Record<string, string> => ({
  'go.mod': 'module example.com/dep\n\ngo 1.21\n',
  'dep.go': `package dep\n\nfunc Version() string { return "${v}" }\n`,
});

/** Every file under `dir` (relative path → content). */
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

function assertSameTree(dir: string, before: Map<string, string>, when: string): void {
  const now = tree(dir);
  assert.deepEqual([...now.keys()], [...before.keys()], `${when}: the files differ`);
  for (const [f, text] of before) assert.equal(now.get(f), text, `${when}: ${f} differs`);
}

describe('weft pin / weft unpin (real go, a module proxy in a directory)', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'weft-e2e-pin-'));
    const bundle = filesOf(join(FIXTURE, 'bundle'));
    const proxy = writeModuleProxy(join(root, 'proxy'), [
      { path: 'example.com/dep', version: 'v1.1.0', files: depFiles('v1.1.0') },
      { path: 'example.com/dep', version: 'v1.2.0', files: depFiles('v1.2.0') },
      { path: 'example.com/bundle', version: 'v1.0.0', files: bundle },
      // The latest version needs a newer Go than the modules below declare.
      { path: 'example.com/bundle', version: 'v1.1.0', files: { ...bundle, 'go.mod': bundle['go.mod']!.replace('go 1.22', 'go 1.25') } },
    ]);
    ({ env, cleanup } = makeTestEnv('pin'));
    env = { ...env, GOPROXY: proxy, GOSUMDB: 'off', GOMODCACHE: join(root, 'modcache'), WEFT_CACHE: join(root, 'weft-cache') };
  });
  after(async () => {
    // The module cache is read-only: go removes it.
    await run('go', ['clean', '-modcache'], { cwd: root, env });
    cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  const weft = (args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) => runWeft(args, { cwd, env: { ...env, ...extra }, timeoutMs: 300_000 });

  async function assertTidy(dir: string, when: string): Promise<void> {
    const r = await run('go', ['mod', 'tidy', '-diff'], { cwd: dir, env: { ...env, GOWORK: 'off' } });
    assert.equal(r.code, 0, `${when}: go mod tidy would change ${dir}:\n${r.stdout}${r.stderr}`);
  }

  function copyApp(name: string, gomod?: string, main?: string): string {
    const dir = join(root, name);
    cpSync(join(FIXTURE, 'app'), dir, { recursive: true });
    if (gomod !== undefined) writeFileSync(join(dir, 'go.mod'), gomod);
    if (main !== undefined) writeFileSync(join(dir, 'main.go'), main);
    return dir;
  }

  async function buildAndRun(dir: string, name: string): Promise<string> {
    const exe = join(root, 'bin', name);
    const b = await weft(['go', 'build', '-o', exe, '.'], dir);
    assert.equal(b.code, 0, b.stderr);
    const r = await run(exe, [], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }

  it('a fresh module (go 1.24): a go-line raise is refused and changes nothing; with a version, the tool file, require and tool directive; builds with spans; unpin restores every byte', async () => {
    const app = copyApp('fresh');
    const start = tree(app);

    const refused = await weft(['pin', 'example.com/bundle/all'], app);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /would change what .*go\.mod already has; nothing was changed/);
    assert.match(refused.stderr, /go line: go 1\.24 → go 1\.25/);
    assert.match(refused.stderr, /--accept-upgrades/);
    assertSameTree(app, start, 'after a refused pin');

    const pin = await weft(['pin', 'example.com/bundle/all@v1.0.0'], app);
    assert.equal(pin.code, 0, pin.stderr);
    const toolFile = readFileSync(join(app, 'orchestrion.tool.go'), 'utf8');
    assert.match(toolFile, /^\/\/go:build tools$/m);
    assert.match(toolFile, /^package tools$/m);
    assert.deepEqual([...toolFile.matchAll(/^\s*_ "([^"]+)"/gm)].map((m) => m[1]), ['example.com/bundle/all']);
    const gomod = readFileSync(join(app, 'go.mod'), 'utf8');
    assert.match(gomod, /^tool example\.com\/bundle\/all$/m);
    assert.match(gomod, /example\.com\/bundle v1\.0\.0/);
    assert.match(gomod, /^go 1\.24$/m, 'the go line is unchanged');
    assert.match(pin.stdout, /pinned example\.com\/bundle\/all@v1\.0\.0/);
    await assertTidy(app, 'after pin');

    const out = await buildAndRun(app, 'fresh');
    assert.equal(out, 'span: greet (dep v1.2.0)\nhello weft\nspan: count\n42\n');

    const again = await weft(['pin', 'example.com/bundle/all@v1.0.0'], app);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already pinned/);

    const unpin = await weft(['unpin', 'example.com/bundle/all'], app);
    assert.equal(unpin.code, 0, unpin.stderr);
    assertSameTree(app, start, 'after unpin');
    await assertTidy(app, 'after unpin');
  });

  it('a module already requiring an older dependency of the bundle: the upgrade is refused, then accepted; unpin gives back go.mod and go.sum', async () => {
    const app = copyApp(
      'older',
      'module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v1.1.0\n',
      readFileSync(join(FIXTURE, 'app', 'main.go'), 'utf8').replace('import "fmt"', 'import (\n\t"fmt"\n\n\t"example.com/dep"\n)').replace('fmt.Println(Count(41))', 'fmt.Println(Count(41), dep.Version())'),
    );
    const tidy = await run('go', ['mod', 'tidy'], { cwd: app, env });
    assert.equal(tidy.code, 0, tidy.stderr);
    const start = tree(app);
    assert.ok(start.has('go.sum'));

    const refused = await weft(['pin', 'example.com/bundle/all@v1.0.0'], app);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /require example\.com\/dep: v1\.1\.0 → v1\.2\.0/);
    assertSameTree(app, start, 'after a refused pin');

    const pin = await weft(['pin', '--accept-upgrades', 'example.com/bundle/all@v1.0.0'], app);
    assert.equal(pin.code, 0, pin.stderr);
    assert.match(pin.stdout, /require example\.com\/dep: v1\.1\.0 → v1\.2\.0 \(accepted\)/);
    const gomod = readFileSync(join(app, 'go.mod'), 'utf8');
    assert.doesNotMatch(gomod, /^tool /m, 'go 1.22 has no tool directive');
    assert.match(gomod, /example\.com\/dep v1\.2\.0/);
    await assertTidy(app, 'after pin');
    assert.equal(await buildAndRun(app, 'older'), 'span: greet (dep v1.2.0)\nhello weft\nspan: count\n42 v1.2.0\n');

    const unpin = await weft(['unpin', 'example.com/bundle/all'], app);
    assert.equal(unpin.code, 0, unpin.stderr);
    assertSameTree(app, start, 'after unpin');
    await assertTidy(app, 'after unpin');
  });

  it('a module of a go.work workspace: pin edits that module only; unpin restores the whole workspace', async () => {
    const ws = join(root, 'ws');
    mkdirSync(join(ws, 'lib'), { recursive: true });
    const svc = join(ws, 'svc');
    cpSync(join(FIXTURE, 'app'), svc, { recursive: true });
    writeFileSync(join(svc, 'go.mod'), 'module example.com/svc\n\ngo 1.24\n');
    writeFileSync(join(ws, 'lib', 'go.mod'), 'module example.com/lib\n\ngo 1.24\n');
    writeFileSync(join(ws, 'lib', 'lib.go'), 'package lib\n\nconst Name = "lib"\n');
    writeFileSync(join(ws, 'go.work'), 'go 1.24\n\nuse (\n\t./lib\n\t./svc\n)\n');
    const start = tree(ws);

    const pin = await weft(['pin', 'example.com/bundle/all@v1.0.0'], svc);
    assert.equal(pin.code, 0, pin.stderr);
    assert.ok(existsSync(join(svc, 'orchestrion.tool.go')));
    assert.equal(readFileSync(join(ws, 'lib', 'go.mod'), 'utf8'), start.get('lib/go.mod'));
    assert.equal(readFileSync(join(ws, 'go.work'), 'utf8'), start.get('go.work'));
    await assertTidy(svc, 'after pin');
    // The workspace builds with the bundle (go itself may record sums in go.work.sum: not pin's doing).
    assert.equal(await buildAndRun(svc, 'ws'), 'span: greet (dep v1.2.0)\nhello weft\nspan: count\n42\n');
    rmSync(join(ws, 'go.work.sum'), { force: true });

    const unpin = await weft(['unpin', 'example.com/bundle/all'], svc);
    assert.equal(unpin.code, 0, unpin.stderr);
    assertSameTree(ws, start, 'after unpin');
    await assertTidy(svc, 'after unpin');
  });

  it('no argument pins the pack: a copy in .weft/otel with a relative replace; it builds with the pack\'s spans; unpin removes the copy', async () => {
    const pack = join(root, 'pack-src');
    cpSync(join(FIXTURE, 'pack'), pack, { recursive: true });
    const app = copyApp('packed');
    const start = tree(app);
    const pin = await weft(['pin'], app, { WEFT_PACK_DIR: pack });
    assert.equal(pin.code, 0, pin.stderr);
    assert.ok(existsSync(join(app, '.weft', 'otel', 'orchestrion.yml')));
    assert.match(readFileSync(join(app, 'go.mod'), 'utf8'), /^replace example\.com\/weftpack => \.\/\.weft\/otel$/m);
    await assertTidy(app, 'after pin');
    assert.equal(await buildAndRun(app, 'packed'), 'pack span: greet\nhello weft\n42\n');

    const unpin = await weft(['unpin'], app, { WEFT_PACK_DIR: pack });
    assert.equal(unpin.code, 0, unpin.stderr);
    assertSameTree(app, start, 'after unpin');
    await assertTidy(app, 'after unpin');
  });

  it('two pins in one module (a bundle, then the pack), unpinned in one command: every byte back', async () => {
    const pack = join(root, 'pack-src-2');
    cpSync(join(FIXTURE, 'pack'), pack, { recursive: true });
    const app = copyApp('two');
    const start = tree(app);
    assert.equal((await weft(['pin', 'example.com/bundle/all@v1.0.0'], app)).code, 0);
    const second = await weft(['pin'], app, { WEFT_PACK_DIR: pack });
    assert.equal(second.code, 0, second.stderr);
    const toolFile = readFileSync(join(app, 'orchestrion.tool.go'), 'utf8');
    assert.deepEqual([...toolFile.matchAll(/^\s*_ "([^"]+)"/gm)].map((m) => m[1]), ['example.com/bundle/all', 'example.com/weftpack']);
    assert.equal([...toolFile.matchAll(/^\/\/ weft:pin /gm)].length, 2);
    await assertTidy(app, 'after two pins');
    assert.equal(await buildAndRun(app, 'two'), 'pack span: greet\nspan: greet (dep v1.2.0)\nhello weft\nspan: count\n42\n');
    const unpin = await weft(['unpin', 'example.com/bundle/all', 'example.com/weftpack'], app, { WEFT_PACK_DIR: pack });
    assert.equal(unpin.code, 0, unpin.stderr);
    assertSameTree(app, start, 'after unpinning both');
  });

  it('a tool file and go.mod that were there before the pin (a bundle pinned first, by hand-kept lines too): unpinning the pack gives back both byte for byte', async () => {
    const pack = join(root, 'pack-src-3');
    cpSync(join(FIXTURE, 'pack'), pack, { recursive: true });
    const app = copyApp('kept');
    assert.equal((await weft(['pin', 'example.com/bundle/all@v1.0.0'], app)).code, 0);
    // The user's own touches: a comment in the tool file, and go.mod's layout.
    const toolFile = join(app, 'orchestrion.tool.go');
    writeFileSync(toolFile, readFileSync(toolFile, 'utf8').replace('package tools\n', 'package tools\n\n// Our tracing: see the wiki.\n'));
    writeFileSync(join(app, 'go.mod'), `// the app\n${readFileSync(join(app, 'go.mod'), 'utf8')}`);
    await assertTidy(app, 'before the pack');
    const start = tree(app);

    const pin = await weft(['pin'], app, { WEFT_PACK_DIR: pack });
    assert.equal(pin.code, 0, pin.stderr);
    assert.notEqual(readFileSync(toolFile, 'utf8'), start.get('orchestrion.tool.go'));
    assert.notEqual(readFileSync(join(app, 'go.mod'), 'utf8'), start.get('go.mod'));
    const unpin = await weft(['unpin', 'example.com/weftpack'], app, { WEFT_PACK_DIR: pack });
    assert.equal(unpin.code, 0, unpin.stderr);
    assert.match(unpin.stdout, /go\.mod and the tool file are as before the pin/);
    assertSameTree(app, start, 'after unpinning the pack');
  });

  it('go.mod edited after the pin: unpin takes the pin\'s requirements out one by one and keeps the user\'s', async () => {
    const app = copyApp('edited');
    const pin = await weft(['pin', 'example.com/bundle/all@v1.0.0'], app);
    assert.equal(pin.code, 0, pin.stderr);
    // The user starts using the bundle's dependency directly.
    writeFileSync(join(app, 'main.go'), readFileSync(join(app, 'main.go'), 'utf8').replace('import "fmt"', 'import (\n\t"fmt"\n\n\t"example.com/dep"\n)').replace('fmt.Println(Count(41))', 'fmt.Println(Count(41), dep.Version())'));
    const tidy = await run('go', ['mod', 'tidy'], { cwd: app, env });
    assert.equal(tidy.code, 0, tidy.stderr);
    const unpin = await weft(['unpin', 'example.com/bundle/all'], app);
    assert.equal(unpin.code, 0, unpin.stderr);
    assert.match(unpin.stdout, /changed after weft pin; its requirements were undone one by one/);
    assert.ok(!existsSync(join(app, 'orchestrion.tool.go')));
    const gomod = readFileSync(join(app, 'go.mod'), 'utf8');
    assert.doesNotMatch(gomod, /example\.com\/bundle|^tool /m);
    assert.match(gomod, /^require example\.com\/dep v1\.2\.0$/m);
    await assertTidy(app, 'after unpin');
  });

  it('unpin of something pin did not pin names what it did pin', async () => {
    const app = copyApp('nothing');
    const r = await weft(['unpin', 'example.com/bundle/all'], app);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no orchestrion\.tool\.go in .*: nothing was pinned here/);
  });
});
