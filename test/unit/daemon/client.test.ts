import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonSetting, takeStartLock } from '../../../src/daemon/client.js';
import { ownerStamp } from '../../../src/owned-temp.js';
import { extractWeftFlags } from '../../../src/build/go-args.js';
import { daemonFiles, daemonKey, daemonRuntimeDir } from '../../../src/daemon/paths.js';
import { WeftError } from '../../../src/errors.js';

test('the daemon is on by default, off in CI, and the flag beats WEFT_DAEMON beats CI', () => {
  assert.equal(daemonSetting(undefined, {}), 'on');
  assert.equal(daemonSetting(undefined, { CI: 'true' }), 'off');
  assert.equal(daemonSetting(undefined, { CI: '1' }), 'off');
  assert.equal(daemonSetting(undefined, { CI: 'false' }), 'on');
  assert.equal(daemonSetting(undefined, { CI: '' }), 'on');
  assert.equal(daemonSetting(undefined, { CI: 'true', WEFT_DAEMON: 'on' }), 'on');
  assert.equal(daemonSetting(undefined, { WEFT_DAEMON: 'off' }), 'off');
  assert.equal(daemonSetting('on', { WEFT_DAEMON: 'off', CI: 'true' }), 'on');
  assert.equal(daemonSetting('off', {}), 'off');
  assert.throws(() => daemonSetting(undefined, { WEFT_DAEMON: 'sometimes' }), (e: unknown) => e instanceof WeftError && e.code === 'E_USAGE' && /WEFT_DAEMON=sometimes/.test(e.message));
});

test('--weft-daemon is taken out of go\'s arguments', () => {
  assert.deepEqual(extractWeftFlags(['build', '--weft-daemon=off', './...']), { goArgs: ['build', './...'], flags: { daemon: 'off' } });
  assert.deepEqual(extractWeftFlags(['build', '--weft-daemon', './...']).flags, { daemon: 'on' });
  assert.throws(() => extractWeftFlags(['build', '--weft-daemon=maybe']), /--weft-daemon=maybe is not a daemon setting/);
});

test('daemon files: the runtime directory of the drop-in servers, named after a hash of the module root', () => {
  assert.equal(daemonRuntimeDir({ XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000/weft');
  assert.equal(daemonRuntimeDir({ TMPDIR: '/var/tmp' }), `/var/tmp/weft-${process.getuid?.() ?? 0}`);
  // `printf /home/u/mod | sha256sum | cut -c1-16` (the Go front end computes the same).
  assert.equal(daemonKey('/home/u/mod'), '793669fde3075dbe');
  assert.notEqual(daemonKey('/home/u/mod'), daemonKey('/home/u/mod2'));
  const f = daemonFiles('/run/user/1000/weft', 'abcdef0123456789');
  assert.deepEqual(f, { sock: '/run/user/1000/weft/daemon-abcdef0123456789.sock', lock: '/run/user/1000/weft/daemon-abcdef0123456789.lock', log: '/run/user/1000/weft/daemon-abcdef0123456789.log' });
});

test('the start lock names its holder: held by a live process it is kept however old; left by a dead one it is taken at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-start-lock-'));
  const lock = join(dir, 'daemon-0123456789abcdef.lock');
  // A daemon still starting after a minute (a loaded machine): its process is alive.
  const slow = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    await once(slow, 'spawn');
    const stamp = `${ownerStamp(slow.pid!)}\n`;
    writeFileSync(lock, stamp);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    assert.equal(takeStartLock(lock), false, 'a live starter\'s lock is not taken');
    assert.equal(readFileSync(lock, 'utf8'), stamp);

    slow.kill('SIGKILL');
    await once(slow, 'exit');
    // Its holder died a moment ago: no waiting for the lock to age.
    writeFileSync(lock, stamp);
    assert.equal(takeStartLock(lock), true, 'a dead starter\'s lock is taken at once');
    assert.equal(readFileSync(lock, 'utf8').trim(), ownerStamp().trim());
    assert.equal(takeStartLock(lock), false, 'and then held by this process');
  } finally {
    slow.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
