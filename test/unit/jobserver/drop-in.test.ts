// The drop-in server's lifetime: it serves while the go process lives (however long it is
// quiet), exits when it is gone removing everything from the runtime directory, keeps one
// fingerprint per go process across replacement servers, and sweeps what killed servers left.
// The go process is a fake entry in a fake process table, so this runs on any platform.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { callServer, runDropInServer, sweepDeadDropIns } from '../../../src/jobserver/index.js';
import { silentLogger } from '../../../src/log.js';
import { linuxProcessTable, processStartTime, type ProcessTable } from '../../../src/toolexec/go-process.js';

const root = mkdtempSync(join(tmpdir(), 'weft-dropin-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A go process that lives until `exit()`; pid reuse is shown by a changed start time. */
function fakeGo(pid: number): { table: ProcessTable; exit: () => void } {
  let alive = true;
  const table: ProcessTable = {
    stat: (p) => (p === pid && alive ? { ppid: 1, startTime: '1234' } : null),
    argv: (p) => (p === pid && alive ? ['go', 'build', './...'] : null),
    environ: () => null,
    cwd: (p) => (p === pid ? root : null),
    exe: () => null,
  };
  return { table, exit: () => (alive = false) };
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
}

const env = { ...process.env, WEFT_LOG: '', WEFT_CONFIG: '' };

describe('drop-in server', () => {
  it('reads a process start time from /proc and null for a dead pid', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
    assert.match(processStartTime(process.pid, linuxProcessTable) ?? '', /^\d+$/);
    assert.equal(processStartTime(2 ** 22 + 12345, linuxProcessTable), null);
  });

  it('serves while go lives, however long it is quiet, then exits removing socket, lock, state and log', async () => {
    const go = fakeGo(900001);
    const socketPath = join(root, 'drop-900001-1234.sock');
    writeFileSync(join(root, 'drop-900001-1234.lock'), '');
    writeFileSync(join(root, 'drop-900001-1234.log'), '');
    // The old idle exit read WEFT_IDLE_TIMEOUT: a quiet spell during a long `go test` must not end the server.
    const done = runDropInServer({ socketPath, goPid: 900001, log: silentLogger(), env: { ...env, WEFT_IDLE_TIMEOUT: '200ms' }, processes: go.table });
    let exited = false;
    void done.then(() => (exited = true));
    await waitFor(() => existsSync(socketPath));
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(exited, false, 'the server exited while the go process was still running');
    const { hello } = await callServer(socketPath, null);
    assert.ok(hello.ok && hello.suffix?.startsWith('weft@'));
    assert.ok(existsSync(join(root, 'drop-900001-1234.state')), 'the fingerprint is recorded for replacement servers');
    go.exit();
    assert.equal(await done, 0);
    for (const ext of ['sock', 'lock', 'log', 'state']) assert.equal(existsSync(join(root, `drop-900001-1234.${ext}`)), false, ext);
  });

  it('a replacement server keeps the fingerprint of the first one, or refuses to serve another', async () => {
    const go = fakeGo(900002);
    const socketPath = join(root, 'drop-900002-1234.sock');
    const state = join(root, 'drop-900002-1234.state');
    writeFileSync(state, JSON.stringify({ suffix: 'weft@0.0.0;aaaaaaaaaaaa' }));
    await assert.rejects(
      runDropInServer({ socketPath, goPid: 900002, log: silentLogger(), env, processes: go.table }),
      (e: Error & { code?: string; hint?: string }) => e.code === 'E_CONFIG_INVALID' && /aspects changed while go process 900002/.test(e.message) && /run the build again/.test(e.hint ?? ''),
    );
    assert.equal(existsSync(socketPath), false, 'the refusing server never listened');
    // The same fingerprint is served.
    rmSync(state);
    const first = runDropInServer({ socketPath, goPid: 900002, log: silentLogger(), env, processes: go.table });
    await waitFor(() => existsSync(socketPath));
    const recorded = readFileSync(state, 'utf8');
    process.emit('SIGTERM');
    assert.equal(await first, 0);
    assert.equal(existsSync(socketPath), false, 'a stopped server removes its socket');
    assert.equal(readFileSync(state, 'utf8'), recorded, 'while go lives the record stays for the replacement');
    const second = runDropInServer({ socketPath, goPid: 900002, log: silentLogger(), env, processes: go.table });
    await waitFor(() => existsSync(socketPath));
    const { hello } = await callServer(socketPath, null);
    assert.equal(hello.suffix, (JSON.parse(recorded) as { suffix: string }).suffix);
    go.exit();
    assert.equal(await second, 0);
    assert.equal(existsSync(state), false);
  });

  it('refuses a go pid that is not running', async () => {
    await assert.rejects(runDropInServer({ socketPath: join(root, 'c.sock'), goPid: 900003, log: silentLogger(), processes: fakeGo(1).table }), /not running/);
  });

  it('sweeps the files of go processes that no longer run, and only those', () => {
    const dir = mkdtempSync(join(root, 'sweep-'));
    const names = ['drop-11-5.sock', 'drop-11-5.lock', 'drop-11-5.log', 'drop-11-5.state', 'drop-22-7.lock', 'drop-33-1.lock', 'other.txt'];
    for (const n of names) writeFileSync(join(dir, n), '');
    assert.equal(sweepDeadDropIns(dir, 33, (pid) => pid === 22), 4);
    for (const n of names) assert.equal(existsSync(join(dir, n)), !n.startsWith('drop-11-'), n);
  });
});
