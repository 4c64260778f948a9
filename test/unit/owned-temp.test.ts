// Temporary directories that name their owner (src/owned-temp.ts): a sweep removes those whose
// owner process is gone, and nothing else (a live owner's, another prefix, an unowned directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimOwnedFile, createOwnedFile, fileOwnerAlive, makeOwnedTempDir, ownedName, OWNER_FILE, ownerAlive, ownerStamp, sweepDeadOwnedNames, sweepDeadOwners } from '../../src/owned-temp.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('a sweep removes directories whose owner is gone, and keeps the rest', () => {
  const parent = mkdtempSync(join(tmpdir(), 'weft-owned-unit-'));
  try {
    const live = makeOwnedTempDir('weft-overlay-', parent);
    const dead = join(parent, 'weft-overlay-dead01');
    mkdirSync(dead);
    writeFileSync(join(dead, OWNER_FILE), `${deadPid()} 12345\n`);
    // The owner's pid now belongs to another process (a different start time): gone as well.
    const recycled = join(parent, 'weft-overlay-recyc1');
    mkdirSync(recycled);
    writeFileSync(join(recycled, OWNER_FILE), `${process.pid} 1\n`.replace(String(process.pid), String(process.ppid)));
    const unowned = join(parent, 'weft-overlay-noown1');
    mkdirSync(unowned);
    const other = join(parent, 'other-dead01');
    mkdirSync(other);
    writeFileSync(join(other, OWNER_FILE), `${deadPid()} 1\n`);
    const removed = sweepDeadOwners(parent, ['weft-overlay-']).sort();
    assert.deepEqual(removed, [dead, recycled].sort());
    assert.ok(existsSync(live) && existsSync(unowned) && existsSync(other));
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('an owner stamp names this process, alive; a dead pid is not', () => {
  assert.equal(ownerAlive(ownerStamp()), true);
  assert.equal(ownerAlive(`${deadPid()} `), false);
  assert.equal(ownerAlive('garbage'), false);
});

test('an owned file is created whole or not at all, names its owner, and can be claimed', () => {
  const parent = mkdtempSync(join(tmpdir(), 'weft-owned-unit-'));
  try {
    const lock = join(parent, 'x.lock');
    assert.equal(fileOwnerAlive(lock), null);
    assert.equal(createOwnedFile(lock), true);
    assert.equal(readFileSync(lock, 'utf8'), `${ownerStamp()}\n`);
    assert.equal(createOwnedFile(lock), false, 'it exists');
    assert.equal(fileOwnerAlive(lock), true);
    writeFileSync(lock, `${deadPid()} 12345\n`);
    assert.equal(fileOwnerAlive(lock), false);
    claimOwnedFile(lock);
    assert.equal(fileOwnerAlive(lock), true);
    claimOwnedFile(join(parent, 'absent.lock'));
    assert.deepEqual(readdirSync(parent), ['x.lock'], 'nothing made for an absent file, nothing left aside');
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('names that name their owner: a sweep removes the dead owners\' and keeps the live one\'s and the rest', () => {
  const parent = mkdtempSync(join(tmpdir(), 'weft-owned-unit-'));
  try {
    const mine = ownedName('.daemon-', '.sock');
    assert.equal(mine, `.daemon-${ownerStamp().replace(' ', '-')}.sock`);
    const dead = `.daemon-${deadPid()}-12345.sock`;
    for (const n of [mine, dead, '.daemon-notapid.sock', 'daemon-0123.sock']) writeFileSync(join(parent, n), '');
    assert.deepEqual(sweepDeadOwnedNames(parent, '.daemon-', '.sock'), [join(parent, dead)]);
    assert.deepEqual(readdirSync(parent).sort(), ['.daemon-notapid.sock', mine, 'daemon-0123.sock'].sort());
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
