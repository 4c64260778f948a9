// The drop-in server's lifetime: it serves while the go process lives, exits when it is gone
// or after the idle timeout, and removes its socket (and the shim's lock/log when all went well).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { callServer, processStartTime, runDropInServer, silentLogger } from '../../../src/server/index.js';

const root = mkdtempSync(join(tmpdir(), 'weft-dropin-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fakeGo(): { pid: number; kill: () => void } {
  // Any long-lived process stands in for the go command (cwd = root, which has no go.mod).
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: root, stdio: 'ignore' });
  return { pid: child.pid!, kill: () => child.kill('SIGKILL') };
}

async function waitForSocket(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('drop-in server', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  it('reads a process start time from /proc and null for a dead pid', () => {
    assert.match(processStartTime(process.pid) ?? '', /^\d+$/);
    assert.equal(processStartTime(2 ** 22 + 12345), null);
  });

  it('serves, then exits when the go process is gone, removing socket, lock and log', async () => {
    const go = fakeGo();
    const socketPath = join(root, 'drop-a.sock');
    writeFileSync(join(root, 'drop-a.lock'), '');
    writeFileSync(join(root, 'drop-a.log'), '');
    const env = { ...process.env, WEFT_LOG: '' };
    const done = runDropInServer({ socketPath, goPid: go.pid, log: silentLogger(), env, idleTimeoutMs: 60_000 });
    await waitForSocket(socketPath);
    const { hello } = await callServer(socketPath, null);
    assert.ok(hello.ok && hello.suffix?.startsWith('weft@'));
    const t0 = Date.now();
    go.kill();
    assert.equal(await done, 0);
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal(existsSync(socketPath), false);
    assert.equal(existsSync(join(root, 'drop-a.lock')), false);
    assert.equal(existsSync(join(root, 'drop-a.log')), false);
  });

  it('exits after the idle timeout while the go process still runs', async () => {
    const go = fakeGo();
    try {
      const socketPath = join(root, 'drop-b.sock');
      const done = runDropInServer({ socketPath, goPid: go.pid, log: silentLogger(), env: process.env, idleTimeoutMs: 300 });
      await waitForSocket(socketPath);
      assert.equal(await done, 0);
      assert.equal(existsSync(socketPath), false);
    } finally {
      go.kill();
    }
  });

  it('refuses a go pid that is not running', async () => {
    await assert.rejects(runDropInServer({ socketPath: join(root, 'c.sock'), goPid: 2 ** 22 + 12345, log: silentLogger() }), /not running/);
  });
});
