// weft's OpenTelemetry pack as a user adopts it: `weft pin` with no argument in a module with no
// tracing code (test/e2e/fixtures/pin-pack: net/http, database/sql through a driver of its own,
// and a //weft:span function), `weft go build`, the spans on stdout through the console exporter;
// then one integration switched off at build time (weft.yml) and another at run time
// (OTEL_GO_DISABLED_INSTRUMENTATIONS) in the same program; then `weft unpin` gives every byte back.
// The pack is one Go package, so a switched-off integration's code is not linked (the linker
// drops what no woven call reaches) rather than not compiled.
//
// Needs the pack's modules (packs/otel/go.mod, the same as test/e2e/otel.test.ts): downloaded
// through the Go module proxy ($GOPROXY, default proxy.golang.org) when GOMODCACHE lacks them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, makeTestEnv, run, runWeft } from './helpers.js';

interface PrintedSpan {
  Name: string;
  SpanContext: { TraceID: string; SpanID: string };
  Parent: { SpanID: string };
}

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

describe('the OpenTelemetry pack pinned with weft pin (real go, console exporter)', { skip: !hasGo && 'go is not installed' }, () => {
  let app = '';
  let bin = '';
  let start = new Map<string, string>();
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let pinned: { code: number | null; stderr: string } | undefined;

  before(async () => {
    app = copyFixture('pin-pack');
    bin = mkdtempSync(join(tmpdir(), 'weft-e2e-pin-pack-bin-'));
    start = tree(app);
    ({ env, cleanup } = makeTestEnv('pin-pack'));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', WEFT_CALL_TIMEOUT: '20m' };
    for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];
    const p = await weft(['pin']);
    pinned = { code: p.code, stderr: p.stderr };
  });
  after(() => {
    cleanup();
    rmSync(app, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  });

  const weft = (args: string[]) => runWeft(args, { cwd: app, env, timeoutMs: 1_200_000 });

  async function build(name: string): Promise<string> {
    assert.equal(pinned?.code, 0, `weft pin failed:\n${pinned?.stderr}`);
    const exe = join(bin, name);
    const b = await weft(['go', 'build', '-o', exe, '.']);
    assert.equal(b.code, 0, b.stderr);
    return exe;
  }

  /** Runs the program; its first line is its own output, the JSON lines after it the printed spans. */
  async function spansOf(exe: string, extra: NodeJS.ProcessEnv): Promise<PrintedSpan[]> {
    const r = await run(exe, [], { cwd: app, env: { ...env, OTEL_TRACES_EXPORTER: 'console', ...extra } });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines[0], '200 answer 42', r.stdout);
    return lines.slice(1).map((l) => JSON.parse(l) as PrintedSpan);
  }

  /** The functions of `pkg` in the binary, its package initialisation left out. */
  async function linkedFunctions(exe: string, pkg: string): Promise<string[]> {
    const nm = await run('go', ['tool', 'nm', exe], { cwd: app, env });
    assert.equal(nm.code, 0, nm.stderr);
    return nm.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === 'T' && f[2]!.startsWith(`${pkg}.`) && !/^[^ ]*\.init(\.|$)/.test(f[2]!)).map((f) => f[2]!);
  }

  let allOn: Promise<string> | undefined;
  const built = (): Promise<string> => (allOn ??= build('all-on'));

  it('pin copies the pack to .weft/otel with a relative replace; go mod tidy has nothing to do', async () => {
    assert.equal(pinned?.code, 0, pinned?.stderr);
    assert.ok(existsSync(join(app, '.weft', 'otel', 'orchestrion.yml')));
    assert.match(readFileSync(join(app, 'go.mod'), 'utf8'), /^replace github\.com\/weft-dev\/weft\/packs\/otel => \.\/\.weft\/otel$/m);
    const tidy = await run('go', ['mod', 'tidy', '-diff'], { cwd: app, env });
    assert.equal(tidy.code, 0, `go mod tidy would change the module:\n${tidy.stdout}${tidy.stderr}`);
  });

  it('weft go build of the pinned module: the binary prints its spans on stdout, one trace from the client to the query', async () => {
    const spans = await spansOf(await built(), {});
    const names = spans.map((s) => s.Name).sort();
    assert.deepEqual(names, ['GET', 'HTTP GET', 'answer.lookup', 'sql.conn.prepare', 'sql.stmt.query']);
    const byName = (n: string): PrintedSpan => spans.find((s) => s.Name === n)!;
    assert.equal(new Set(spans.map((s) => s.SpanContext.TraceID)).size, 1, 'one trace');
    assert.equal(byName('GET').Parent.SpanID, byName('HTTP GET').SpanContext.SpanID);
    assert.equal(byName('answer.lookup').Parent.SpanID, byName('GET').SpanContext.SpanID);
    assert.equal(byName('sql.stmt.query').Parent.SpanID, byName('answer.lookup').SpanContext.SpanID);
  });

  it('database/sql off in weft.yml and //weft:span off by OTEL_GO_DISABLED_INSTRUMENTATIONS: their spans are gone, net/http\'s remain; the SQL integration is not linked', async () => {
    const on = await built();
    assert.ok((await linkedFunctions(on, 'github.com/weft-dev/weft/packs/otel')).includes('github.com/weft-dev/weft/packs/otel.Open'));
    assert.notDeepEqual(await linkedFunctions(on, 'github.com/XSAM/otelsql'), []);

    writeFileSync(join(app, 'weft.yml'), 'integrations:\n  disable: [otel.database/sql]\n');
    let exe = '';
    try {
      exe = await build('sql-off');
    } finally {
      rmSync(join(app, 'weft.yml'));
    }
    assert.ok(!(await linkedFunctions(exe, 'github.com/weft-dev/weft/packs/otel')).includes('github.com/weft-dev/weft/packs/otel.Open'), 'the pack\'s sql.Open is not linked');
    assert.deepEqual(await linkedFunctions(exe, 'github.com/XSAM/otelsql'), [], 'otelsql\'s functions are not linked');

    const both = await spansOf(exe, { OTEL_GO_DISABLED_INSTRUMENTATIONS: 'span' });
    assert.deepEqual(both.map((s) => s.Name).sort(), ['GET', 'HTTP GET']);
    // The same binary without the run-time switch: the //weft:span span is back (the switch is what took it away).
    const buildOnly = await spansOf(exe, {});
    assert.deepEqual(buildOnly.map((s) => s.Name).sort(), ['GET', 'HTTP GET', 'answer.lookup']);
    // And the run-time switch alone, on the binary with everything on, keeps the SQL spans.
    const runOnly = await spansOf(on, { OTEL_GO_DISABLED_INSTRUMENTATIONS: 'span' });
    assert.deepEqual(runOnly.map((s) => s.Name).sort(), ['GET', 'HTTP GET', 'sql.conn.prepare', 'sql.stmt.query']);
  });

  it('weft unpin gives back every byte of the module (go.mod, no go.sum, no tool file, no .weft)', async () => {
    await built();
    const unpin = await weft(['unpin']);
    assert.equal(unpin.code, 0, unpin.stderr);
    const now = tree(app);
    assert.deepEqual([...now.keys()], [...start.keys()]);
    for (const [f, text] of start) assert.equal(now.get(f), text, `${f} differs`);
  });
});
