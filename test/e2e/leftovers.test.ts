// Nothing left behind (real go): a `weft go build` killed with SIGKILL (its whole process group,
// as a terminal's or CI's kill does) cannot clean up after itself; the next weft process must
// find what it left (overlay directories, socket directories, go's work directory) by their
// dead owner and remove it, while leaving a live build's files alone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, hasGo, helloAspect, makeTestEnv, runWeft, waitUntil, weftBin } from './helpers.js';

/** Starts `weft go build -a` in a session of its own, waits until go runs, SIGKILLs the group; resolves once it is gone. */
async function killMidBuild(cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [weftBin, 'go', 'build', '-a', '-o', join(cwd, 'bin-killed'), './cmd/app'], { cwd, env: { ...env, WEFT_LOG: 'debug' }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let running = false;
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    if (/ running \S+ build .*-a /.test(stderr)) running = true;
  });
  const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
  assert.ok(await waitUntil(() => running, 120_000), `go never started:\n${stderr}`);
  // go is compiling (-a): let it get under way, then kill weft, go and the compilers at once.
  await new Promise((r) => setTimeout(r, 700));
  process.kill(-child.pid!, 'SIGKILL');
  await gone;
  return stderr;
}

function weftEntries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.startsWith('weft-') || n.startsWith('go-build') || n.startsWith('.'));
  } catch {
    return [];
  }
}

describe('a build killed with SIGKILL leaves nothing once the next build ends (real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  const base = mkdtempSync(join(tmpdir(), 'weft-e2e-leftovers-'));

  before(async () => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('leftovers'));
    writeFileSync(join(mod, 'weft.yml'), helloAspect());
    const shim = await runWeft(['toolexec-path'], { cwd: mod, env });
    assert.equal(shim.code, 0, shim.stderr);
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
    rmSync(base, { recursive: true, force: true });
  });

  for (const mode of ['overlay', 'planned', 'toolexec'] as const) {
    it(`${mode} build`, async () => {
      const tmp = join(base, `${mode}-tmp`);
      const runtime = join(base, `${mode}-run`);
      mkdirSync(tmp);
      mkdirSync(runtime, { mode: 0o700 });
      const e = { ...env, TMPDIR: tmp, XDG_RUNTIME_DIR: runtime, WEFT_MODE: mode };
      const log = await killMidBuild(mod, e);
      const left = [...weftEntries(tmp), ...weftEntries(runtime)];
      assert.ok(left.length > 0, `the killed build left something to sweep (else this test proves nothing):\n${log}`);
      const second = await runWeft(['go', 'build', '-o', join(mod, 'bin-second'), './cmd/app'], { cwd: mod, env: e });
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual({ tmp: weftEntries(tmp), runtime: weftEntries(runtime) }, { tmp: [], runtime: [] }, `left by the killed build: ${left.join(', ')}`);
    });
  }
});
