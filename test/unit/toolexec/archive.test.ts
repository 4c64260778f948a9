import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { listArchiveMembers, readArchiveMember, appendArchiveMember, encodeArchiveMember } from '../../../src/toolexec/archive.js';
import { WeftError } from '../../../src/errors.js';
import { makeTempDir, goTool, compilePackage, stdPackageFiles } from './go-helpers.js';

test('lists the members the Go compiler writes', () => {
  const { dir, cleanup } = makeTempDir('ar');
  try {
    const a = compilePackage(dir, 'example.com/a', 'a', 'package a\nfunc F() int { return 1 }\n');
    const members = listArchiveMembers(a);
    assert.deepEqual(members.map((m) => m.name), goTool(dir, 'pack', 't', a).trim().split('\n'));
    assert.ok(readArchiveMember(a, '__.PKGDEF')!.toString('latin1').startsWith('go object '));
    assert.equal(readArchiveMember(a, 'weft.linkdeps'), null);
  } finally {
    cleanup();
  }
});

test('an appended member (odd and even sizes) is read back, accepted by pack t and ignored by the linker', () => {
  const { dir, cleanup } = makeTempDir('ar');
  try {
    const a = compilePackage(dir, 'example.com/a', 'a', 'package a\nfunc F() int { return 41 }\n');
    const odd = Buffer.from('#weft.linkdeps@v1\nimport\tx/y\n'); // odd length
    assert.equal(odd.length % 2, 1);
    appendArchiveMember(a, 'weft.linkdeps', odd);
    appendArchiveMember(a, 'weft.other', Buffer.from('0123456789'));
    assert.deepEqual(goTool(dir, 'pack', 't', a).trim().split('\n'), ['__.PKGDEF', '_go_.o', 'weft.linkdeps', 'weft.other']);
    assert.deepEqual(readArchiveMember(a, 'weft.linkdeps'), odd);
    assert.deepEqual(readArchiveMember(a, 'weft.other'), Buffer.from('0123456789'));

    const cfg = join(dir, 'importcfg');
    writeFileSync(cfg, `packagefile example.com/a=${a}\n`);
    const main = compilePackage(dir, 'main', 'main', 'package main\nimport "example.com/a"\nfunc main() { println(a.F()+1) }\n', cfg);
    const linkcfg = join(dir, 'importcfg.link');
    writeFileSync(linkcfg, `packagefile example.com/a=${a}\npackagefile main=${main}\n${stdPackageFiles('runtime')}`);
    const exe = join(dir, 'app');
    goTool(dir, 'link', '-importcfg', linkcfg, '-o', exe, main);
    const r = spawnSync(exe, { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '42\n');
  } finally {
    cleanup();
  }
});

test('refuses members that would break pack t or be loaded by the linker', () => {
  assert.throws(() => encodeArchiveMember('x', Buffer.from('1234567')), WeftError);
  assert.throws(() => encodeArchiveMember('a-name-too-long!', Buffer.from('12345678')), WeftError);
  assert.throws(() => encodeArchiveMember('extra.o', Buffer.from('12345678')), WeftError);
  assert.throws(() => encodeArchiveMember('has space', Buffer.from('12345678')), WeftError);
  assert.equal(encodeArchiveMember('ok', Buffer.from('123456789')).length, 60 + 10);
});

test('refuses a second member of the same name and rejects non-archives', () => {
  const { dir, cleanup } = makeTempDir('ar');
  try {
    const a = compilePackage(dir, 'example.com/a', 'a', 'package a\n');
    appendArchiveMember(a, 'weft.linkdeps', Buffer.from('#weft.linkdeps@v1\n'));
    assert.throws(() => appendArchiveMember(a, 'weft.linkdeps', Buffer.from('#weft.linkdeps@v1\n')), /already has/);
    const bad = join(dir, 'bad.a');
    writeFileSync(bad, 'not an archive at all');
    assert.throws(() => listArchiveMembers(bad), (e: unknown) => e instanceof WeftError && e.code === 'E_TOOLEXEC');
    const truncated = join(dir, 'trunc.a');
    copyFileSync(a, truncated);
    writeFileSync(truncated, readFileSync(a).subarray(0, 100));
    assert.throws(() => listArchiveMembers(truncated), /not a valid Go archive/);
  } finally {
    cleanup();
  }
});

test('weft toolexec appends through the same checked writer: a file that is not an archive is refused and left as it was', async () => {
  const { appendArchiveMembers } = await import('../../../src/jobserver/run-tool.js');
  const { dir, cleanup } = makeTempDir('ar');
  try {
    const notAr = join(dir, 'not-an-archive.a');
    writeFileSync(notAr, 'hello\n');
    assert.throws(() => appendArchiveMembers([{ archive: notAr, name: 'weft.linkdeps', data: Buffer.from('#weft.linkdeps@v1\n') }]),
      (e: unknown) => e instanceof WeftError && e.code === 'E_TOOLEXEC' && /not a valid Go archive/.test(e.message));
    assert.equal(readFileSync(notAr, 'utf8'), 'hello\n');
    const a = compilePackage(dir, 'example.com/a', 'a', 'package a\nfunc F() int { return 1 }\n');
    appendArchiveMembers([{ archive: a, name: 'weft.linkdeps', data: Buffer.from('#weft.linkdeps@v1\n') }]);
    assert.deepEqual(goTool(dir, 'pack', 't', a).trim().split('\n'), ['__.PKGDEF', '_go_.o', 'weft.linkdeps']);
  } finally {
    cleanup();
  }
});
