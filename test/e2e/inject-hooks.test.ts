// The injection hooks on real go, with a hand-written weaver instead of src/weave: proves the
// importcfg patching, the weft.linkdeps member (also through GOCACHE hits that never reach
// weft), the blank-import file of main packages, link importcfg completion and the go:linkname
// route into the standard library, independently of the aspect engine. Build modes are covered
// through the real CLI in inject.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../../src/config/types.js';
import { listenJobServer } from '../../src/jobserver/index.js';
import { createBuildContext, type BuildContext, type WeaverHook } from '../../src/weaving/index.js';
import { ensureShim } from '../../src/install/ensure-shim.js';
import { installInjection } from '../../src/weaving/injection.js';
import type { Injector } from '../../src/resolve/index.js';
import type { WeavePackageResult } from '../../src/weave/api.js';
import { copyFixture, hasGo, makeTestEnv, run } from './helpers.js';
import { readGoCommand } from '../../src/toolexec/go-command-line.js';

function result(files: { original: string; text: string }[], addedImports: string[], links: string[] = []): WeavePackageResult {
  return {
    files,
    extraFiles: [],
    addedImports,
    linkDeps: [...new Set([...addedImports, ...links])].sort(),
    lang: '',
    aspects: ['fake'],
    stats: { filesScanned: 0, filesParsed: 0, filesWoven: files.length, nodesWoven: 0, scanMicros: 0, parseMicros: 0, weaveMicros: 0 },
  };
}

/** A weaver by string surgery on three known files. */
const fakeWeaver: WeaverHook = async (req, cmd) => {
  const read = (suffix: string): { original: string; text: string } | null => {
    // Under -cover the go command compiles rewritten copies named <base>.cover.go in $WORK.
    const base = suffix.slice(suffix.lastIndexOf('/') + 1).replace(/\.go$/, '');
    const f = cmd.goFiles.find((g) => g.path.endsWith(suffix) || g.path.endsWith(`/${base}.cover.go`));
    return f === undefined ? null : { original: f.path, text: readFileSync(f.path, 'utf8') };
  };
  if (cmd.packagePath === 'example.com/app/greet') {
    const f = read('/greet/greet.go');
    if (f === null) return null;
    f.text = f.text
      .replace('import "strings"', 'import (\n\t"strings"\n\t__rt "example.com/rt"\n)')
      .replace(/func (\w+)\(name string\) string \{/g, (m, name: string) => `${m} __rt.Record("greet.${name}");`);
    return result([f], ['example.com/rt']);
  }
  if (cmd.packagePath === 'main' && req.pkg === 'example.com/app/cmd/app') {
    const f = read('/cmd/app/main.go');
    if (f === null) return null;
    f.text = f.text.replace('import (', 'import (\n\t__rt "example.com/rt"').replace('func main() {', 'func main() {\n\tdefer __rt.Report();');
    return result([f], ['example.com/rt']);
  }
  if (cmd.packagePath === 'net/http') {
    const f = read('/net/http/request.go');
    if (f === null) return null;
    f.text =
      f.text.replace(/(func NewRequestWithContext\([^)]*\) \(\*Request, error\) \{)/, '$1\n\t__weft_hook_record("net/http.NewRequestWithContext")') +
      '\n//go:linkname __weft_hook_record example.com/rt/hook.Record\nfunc __weft_hook_record(string)\n';
    return result([f], [], ['example.com/rt/hook']);
  }
  return null;
};

describe('injection hooks with a fake weaver (real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let app = '';
  let shim = '';
  // The run's shared GOCACHE (or a private one), never the machine's.
  const { env, cleanup } = makeTestEnv('inject-hooks');

  before(async () => {
    root = copyFixture('inject');
    app = join(root, 'app');
    shim = await ensureShim({ go: 'go', cacheDir: join(tmpdir(), 'weft-e2e-cache'), env });
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    cleanup();
  });

  async function build(args: string[], extraEnv: NodeJS.ProcessEnv = {}, dir = app): Promise<{ code: number | null; stderr: string; ctx: BuildContext; injector: Injector; compiled: string[] }> {
    // The fingerprint names this test's weaver (this compiled file): a changed fake weaver never
    // reuses another one's cached archives in the shared GOCACHE.
    const self = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex');
    const config: ResolvedConfig = { files: [], aspects: [], injectedPackages: ['example.com/rt', 'example.com/rt/hook'], fingerprint: `fake-weaver-${self}` };
    const compiled: string[] = [];
    const ctx = createBuildContext({ config, weaver: async (req, cmd, signal) => { compiled.push(req.pkg); return fakeWeaver(req, cmd, signal); } });
    const injector = (await installInjection(ctx, { go: 'go', dir, env: { ...env, ...extraEnv }, command: readGoCommand(args, extraEnv['GOFLAGS'] ?? env['GOFLAGS']) }))!;
    const server = await listenJobServer(ctx);
    try {
      const r = await run('go', [args[0]!, `-toolexec=${shim}`, ...args.slice(1)], {
        cwd: dir,
        env: { ...env, ...extraEnv, WEFT_SOCKET: server.socketPath, WEFT_VERSION_SUFFIX: ctx.suffix, WEFT_VERSION: ctx.weftVersion },
        timeoutMs: 300_000,
      });
      return { code: r.code, stderr: r.stderr, ctx, injector, compiled };
    } finally {
      await server.close();
    }
  }

  it('weaves calls to a runtime the app never imports, and a linkname-only hook into net/http', async () => {
    const exe = join(root, 'app-bin');
    const b = await build(['build', '-o', exe, './cmd/app']);
    assert.equal(b.code, 0, b.stderr);
    const r = await run(exe, [], { cwd: app, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'HELLO, WEFT\nGET example.invalid\nrt: recorded [greet.Shout greet.Hello net/http.NewRequestWithContext]\n');
    // The listing, one export run for what the compiles import (rt), one for what only the link
    // needs (the linkname-only hook): what is built is what is needed, never the whole configuration.
    assert.ok(b.injector.stats.goListProcesses <= 3, `go list runs: ${b.injector.stats.goListProcesses}`);
  });

  it('a command linking the cached woven package (no compile of it reaches weft) still links the runtime', async () => {
    const exe = join(root, 'other-bin');
    const b = await build(['build', '-o', exe, './cmd/other']);
    assert.equal(b.code, 0, b.stderr);
    const r = await run(exe, [], { cwd: app, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello, other\n');
    assert.ok(!b.compiled.includes('example.com/app/greet'), `greet came from GOCACHE: ${b.compiled.join(' ')}`);
    assert.ok(b.injector.stats.linksPatched >= 1, JSON.stringify(b.injector.stats));
  });

  it('go test ./... with an external test package', async () => {
    const b = await build(['test', '-count=1', './...']);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(b.compiled.some((p) => p.startsWith('example.com/app/greet [')), b.compiled.join(' '));
  });
});
