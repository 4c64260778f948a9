// The whole dd-trace-go bundle pinned (test/heavy/fixtures/ddtrace-bundle), counted across every
// process with `strace -f`: what a build compiles, and what `weft prepare` leaves for it.
//
// 1. A service that uses net/http only compiles none of gin, grpc or the aws SDKs (the bundle
//    names them all), and no package twice.
// 2. `weft prepare` on the tidy module (GOFLAGS=-mod=readonly, no go.mod change allowed)
//    succeeds, says what it skipped, and the build after it compiles no dd-trace-go package.
// 3. With only go.mod, go.sum and the tool file (a container layer before the sources), prepare
//    warms the injectables the module's build list provides, and skips the others.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compiledPackages, compiledTwice, copyFixture, hasCommand, hasGo, makeTestEnv, run, weftBin } from '../e2e/helpers.js';

const FIXTURE = 'ddtrace-bundle';
const NET_HTTP_ONLY = `package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/answer", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, 42) })
	go http.Serve(ln, mux)
	resp, err := http.Get("http://" + ln.Addr().String() + "/answer")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
}
`;

const noStrace = !hasCommand('strace') && 'strace is not installed (it counts compiles in every process)';

describe('the dd-trace-go bundle: what builds compile, what prepare warms', { skip: (!hasGo && 'go is not installed') || noStrace }, () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const work = mkdtempSync(join(tmpdir(), 'weft-heavy-bundle-compiles-'));

  before(async () => {
    dir = copyFixture(FIXTURE, 'heavy');
    ({ env, cleanup } = makeTestEnv(`${FIXTURE}-compiles`, { privateGocache: true }));
    env = { ...env, GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct', GOFLAGS: '-mod=readonly', WEFT_CALL_TIMEOUT: '30m' };
    const dl = await run('go', ['mod', 'download'], { cwd: dir, env, timeoutMs: 900_000 });
    assert.equal(dl.code, 0, dl.stderr);
  });
  after(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** `weft <args>` under strace -f: the result and the packages every process compiled. */
  async function traced(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string; compiled: string[] }> {
    const trace = join(work, `trace-${Date.now()}`);
    const r = await run('strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-s', '4096', '-o', trace, '--', process.execPath, weftBin, ...args], { cwd, env: { ...env, ...extraEnv }, timeoutMs: 2_400_000 });
    const compiled = compiledPackages(readFileSync(trace, 'utf8'));
    rmSync(trace, { force: true });
    return { code: r.code, stderr: r.stderr, compiled };
  }

  it('a net/http-only service compiles none of gin, grpc or the aws SDKs, and nothing twice', async () => {
    const mod = join(work, 'nethttp');
    cpSync(dir, mod, { recursive: true });
    writeFileSync(join(mod, 'main.go'), NET_HTTP_ONLY);
    const bin = join(work, 'nethttp-bin');
    const b = await traced(['go', 'build', '-o', bin, '.'], mod);
    assert.equal(b.code, 0, b.stderr);
    const foreign = b.compiled.filter((p) => /^(github\.com\/gin-gonic\/|google\.golang\.org\/grpc|github\.com\/aws\/|github\.com\/DataDog\/dd-trace-go\/contrib\/(gin-gonic|google\.golang\.org\/grpc|aws))/.test(p));
    assert.deepEqual(foreign, [], 'packages of integrations the service does not use');
    assert.deepEqual(compiledTwice(b.compiled), []);
    assert.ok(b.compiled.some((p) => p.startsWith('github.com/DataDog/dd-trace-go/contrib/net/http')), `net/http's integration is compiled: ${b.compiled.length} packages`);
    const out = await run(bin, [], { cwd: mod, env });
    assert.equal(out.stdout, '42\n', out.stderr);
  });

  it('weft prepare on the tidy module succeeds without touching go.mod, says what it skipped, and the build after it compiles no dd-trace-go package', async () => {
    const mod = join(work, 'prepared');
    cpSync(dir, mod, { recursive: true });
    const goMod = readFileSync(join(mod, 'go.mod'), 'utf8');
    const p = await run(process.execPath, [weftBin, 'prepare'], { cwd: mod, env, timeoutMs: 2_400_000 });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /^weft prepare: skipped \d+ of the \d+ packages the configuration may inject \(the module's build injects none of them\)/m);
    assert.match(p.stderr, /^weft prepare: GOCACHE warmed for .*github\.com\/DataDog\/dd-trace-go/m);
    assert.equal(readFileSync(join(mod, 'go.mod'), 'utf8'), goMod);
    const b = await traced(['go', 'build', '-o', join(work, 'prepared-bin'), '.'], mod);
    assert.equal(b.code, 0, b.stderr);
    const ddtrace = b.compiled.filter((x) => x.startsWith('github.com/DataDog/dd-trace-go/'));
    assert.deepEqual(ddtrace, [], 'injected packages the build compiled after prepare');
  });

  it('with only go.mod, go.sum and the tool file, prepare warms the injectables of the build list', async () => {
    const mod = join(work, 'layer');
    mkdirSync(mod);
    for (const f of ['go.mod', 'go.sum', 'orchestrion.tool.go']) cpSync(join(dir, f), join(mod, f));
    const p = await run(process.execPath, [weftBin, 'prepare'], { cwd: mod, env, timeoutMs: 2_400_000 });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /^weft prepare: GOCACHE warmed for .*github\.com\/DataDog\/dd-trace-go\/contrib\/net\/http/m);
  });
});
