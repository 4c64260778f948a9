// GOFLAGS written by `go env -w` (the GOENV file) count like GOFLAGS in the environment and flags
// on the command line: `go env -w GOFLAGS=-cover` then `weft go build` gives a woven binary with
// coverage, in-process (auto and planned) and through the daemon, and a daemon build after
// `go env -w` changes GOFLAGS plans for the new flags. Every test writes a GOENV file of its own
// (the GOENV variable), so the machine's go configuration is never read nor touched.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backdate, hasGo, helloAspect, makeTestEnv, run, runWeft, runWeftGo, testGo, type DaemonStats } from './helpers.js';

const ENTERING = /weft: entering Hello/g;

/** A one-package module whose weft.yml prepends a print to Hello. */
function makeModule(): string {
  const mod = mkdtempSync(join(tmpdir(), 'weft-e2e-goenv-'));
  writeFileSync(join(mod, 'go.mod'), 'module example.com/solo\n\ngo 1.23\n');
  writeFileSync(join(mod, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc Hello() string { return "hello" }\n\nfunc main() { fmt.Println(Hello()) }\n');
  writeFileSync(join(mod, 'weft.yml'), helloAspect({ importPath: null }));
  return mod;
}

describe('GOFLAGS from `go env -w` (real go, a private GOENV file)', { skip: !hasGo && 'go is not installed' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'weft-e2e-goenv-work-'));
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let n = 0;

  before(() => {
    mod = makeModule();
    ({ env, cleanup } = makeTestEnv('goenv'));
  });

  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** `go env -w GOFLAGS=<value>` (or `-u` for null) into `goenv`, with GOFLAGS unset in the environment. */
  async function setGoenvFlags(e: NodeJS.ProcessEnv, value: string | null): Promise<void> {
    const r = await run(testGo, ['env', ...(value === null ? ['-u', 'GOFLAGS'] : ['-w', `GOFLAGS=${value}`])], { cwd: mod, env: e });
    assert.equal(r.code, 0, r.stderr);
    const check = await run(testGo, ['env', 'GOFLAGS'], { cwd: mod, env: e });
    assert.equal(check.stdout.trim(), value ?? '', 'go itself reads the GOENV file');
  }

  /** Runs the binary with GOCOVERDIR set: how many times Hello was announced, and the coverage files written. */
  async function runCovered(exe: string): Promise<{ hellos: number; coverFiles: string[] }> {
    const cover = mkdtempSync(join(work, 'cover-'));
    const r = await run(exe, [], { cwd: mod, env: { ...env, GOCOVERDIR: cover } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello\n');
    return { hellos: r.stderr.match(ENTERING)?.length ?? 0, coverFiles: readdirSync(cover) };
  }

  function withGoenv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const goenv = join(mkdtempSync(join(work, 'goenv-')), 'env');
    return { ...env, GOENV: goenv, GOFLAGS: '', ...extra };
  }

  for (const mode of ['auto', 'planned'] as const) {
    it(`in-process (${mode}): \`go env -w GOFLAGS=-cover\` gives a woven binary with coverage counters`, async () => {
      const e = withGoenv(mode === 'auto' ? {} : { WEFT_MODE: mode });
      await setGoenvFlags(e, '-cover');
      const exe = join(work, `app${n++}`);
      // A cold GOCACHE compiles std with coverage: slow on a loaded machine.
      const r = await runWeftGo(['build', '-o', exe, '.'], { cwd: mod, env: e, timeoutMs: 600_000 });
      assert.equal(r.code, 0, r.stderr);
      const got = await runCovered(exe);
      assert.equal(got.hellos, 1, `the binary runs the woven code (${r.stats.mode?.name}: ${r.stats.mode?.reason})`);
      assert.ok(got.coverFiles.some((f) => f.startsWith('covmeta.')) && got.coverFiles.some((f) => f.startsWith('covcounters.')), `coverage written: ${got.coverFiles.join(' ')}`);
      assert.notEqual(r.stats.mode?.name, 'overlay', `go's cover tool reads files from disk: no overlay build (${r.stats.mode?.reason})`);
    });
  }

  describe('through the daemon', () => {
    let runtime = '';
    let denv: NodeJS.ProcessEnv = {};

    before(async () => {
      runtime = mkdtempSync(join(tmpdir(), 'weft-e2e-goenv-rt-'));
      chmodSync(runtime, 0o700);
      denv = withGoenv({ XDG_RUNTIME_DIR: runtime, WEFT_DAEMON_IDLE: '5m', WEFT_DAEMON_WATCH: 'off', CI: '' });
      delete denv['WEFT_DAEMON'];
      backdate(mod);
    });

    after(async () => {
      await runWeft(['daemon', 'stop', '--all'], { cwd: mod, env: denv }).catch(() => undefined);
      rmSync(runtime, { recursive: true, force: true });
    });

    async function build(): Promise<{ stats: DaemonStats; exe: string }> {
      const exe = join(work, `app${n++}`);
      const r = await runWeftGo(['build', '-o', exe, '.'], { cwd: mod, env: denv, timeoutMs: 600_000 });
      assert.equal(r.code, 0, r.stderr);
      const stats = r.stats as DaemonStats;
      assert.notEqual(stats.daemon, null, `served by the daemon: ${r.stderr}`);
      return { stats, exe };
    }

    it('`go env -w GOFLAGS=-cover` gives a woven binary with coverage counters', async () => {
      await setGoenvFlags(denv, '-cover');
      const { stats, exe } = await build();
      const got = await runCovered(exe);
      assert.equal(got.hellos, 1, `the binary runs the woven code (${stats.mode?.name}: ${stats.mode?.reason})`);
      assert.notEqual(stats.mode?.name, 'overlay', stats.mode?.reason);
      assert.ok(got.coverFiles.some((f) => f.startsWith('covcounters.')), `coverage written: ${got.coverFiles.join(' ')}`);
    });

    it('after `go env -w` changes GOFLAGS, the next build plans for the new flags', async () => {
      // The daemon keeps the plan of the -cover build above: a build without it must not get that plan.
      await setGoenvFlags(denv, null);
      const plain = await build();
      assert.notEqual(plain.stats.daemon?.planReused, true, 'new flags: not the plan of the old ones');
      assert.equal(plain.stats.mode?.name, 'overlay', plain.stats.mode?.reason);
      const a = await runCovered(plain.exe);
      assert.deepEqual([a.hellos, a.coverFiles.length], [1, 0], 'woven, no coverage');
      const again = await build();
      assert.equal(again.stats.daemon?.planReused, true, 'same flags: the kept plan');

      await setGoenvFlags(denv, '-covermode=atomic');
      const covered = await build();
      assert.notEqual(covered.stats.daemon?.planReused, true, 'new flags: not the plan of the old ones');
      assert.notEqual(covered.stats.mode?.name, 'overlay', covered.stats.mode?.reason);
      const b = await runCovered(covered.exe);
      assert.equal(b.hellos, 1);
      assert.ok(b.coverFiles.some((f) => f.startsWith('covcounters.')), `coverage written: ${b.coverFiles.join(' ')}`);
    });
  });
});
