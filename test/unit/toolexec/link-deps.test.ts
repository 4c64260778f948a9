import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  encodeLinkDeps, decodeLinkDeps, mergeLinkDeps, readLinkDeps, LinkDepsReader, LINK_DEPS_MEMBER, allLinkDeps,
} from '../../../src/toolexec/link-deps.js';
import { appendArchiveMember } from '../../../src/toolexec/archive.js';
import { WeftError } from '../../../src/errors.js';
import { makeTempDir, compilePackage, goTool, stdPackageFiles } from './go-helpers.js';

test('encodes sorted unique lines under a version header and decodes them back', () => {
  const data = encodeLinkDeps({ imports: ['z/b', 'a/x', 'z/b'], linknames: ['m/n', 'a/x'] });
  assert.equal(Buffer.from(data).toString(), '#weft.linkdeps@v1\nimport\ta/x\nimport\tz/b\nlinkname\tm/n\n');
  assert.deepEqual(decodeLinkDeps(data, 't'), { imports: ['a/x', 'z/b'], linknames: ['m/n'] });
  // even an empty set is long enough for cmd/pack's 8-byte peek
  assert.ok(encodeLinkDeps({ imports: [], linknames: [] }).length >= 8);
});

test('merges sets: union, and import wins over linkname', () => {
  const m = mergeLinkDeps({ imports: ['b'], linknames: ['a', 'c'] }, { imports: ['a'], linknames: ['d'] });
  assert.deepEqual(m, { imports: ['a', 'b'], linknames: ['c', 'd'] });
  assert.deepEqual(allLinkDeps(m), ['a', 'b', 'c', 'd']);
});

test('rejects an unknown version and malformed lines with a hint', () => {
  assert.throws(() => decodeLinkDeps(Buffer.from('#weft.linkdeps@v9\n'), 'x.a'), (e: unknown) => e instanceof WeftError && /go clean -cache/.test(e.hint ?? ''));
  assert.throws(() => decodeLinkDeps(Buffer.from('#weft.linkdeps@v1\nrelocation\tx\n'), 'x.a'), /malformed/);
});

test('reads members from real archives, tolerates archives without one, and memoises by path', () => {
  const { dir, cleanup } = makeTempDir('ld');
  try {
    const a = compilePackage(dir, 'example.com/a', 'a', 'package a\nfunc F() int { return 1 }\n');
    const b = compilePackage(dir, 'example.com/b', 'b', 'package b\n');
    assert.deepEqual(readLinkDeps(b), { imports: [], linknames: [] });
    appendArchiveMember(a, LINK_DEPS_MEMBER, encodeLinkDeps({ imports: ['example.com/rt'], linknames: ['example.com/rt/hooks'] }));
    const reader = new LinkDepsReader();
    const all = reader.collect([a, b, a]);
    assert.deepEqual(all, { imports: ['example.com/rt'], linknames: ['example.com/rt/hooks'] });
    reader.collect([a, b]);
    assert.equal(reader.reads, 2);
    // the archive with the member still links
    const cfg = join(dir, 'importcfg');
    writeFileSync(cfg, `packagefile example.com/a=${a}\n`);
    const main = compilePackage(dir, 'main', 'main', 'package main\nimport "example.com/a"\nfunc main() { println(a.F()) }\n', cfg);
    writeFileSync(join(dir, 'link.cfg'), `packagefile example.com/a=${a}\n${stdPackageFiles('runtime')}`);
    goTool(dir, 'link', '-importcfg', join(dir, 'link.cfg'), '-o', join(dir, 'app'), main);
    assert.equal(spawnSync(join(dir, 'app'), { encoding: 'utf8' }).stderr, '1\n');
  } finally {
    cleanup();
  }
});

test('the unions of the fixture the shim computes too (test/fixtures/linkdeps/merge.json)', () => {
  const fixture = JSON.parse(readFileSync(join(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'test', 'fixtures', 'linkdeps', 'merge.json'), 'utf8')) as { cases: { members: string[]; merged: string }[] };
  assert.ok(fixture.cases.length >= 3);
  for (const c of fixture.cases) {
    const merged = mergeLinkDeps(...c.members.map((m, i) => decodeLinkDeps(Buffer.from(m), `member ${i}`)));
    assert.equal(Buffer.from(encodeLinkDeps(merged)).toString('utf8'), c.merged);
  }
});
