import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markKeyOf, planMark, PlanSnapshot } from '../../../src/plan/plan.js';
import { takeMark } from '../../../src/jobserver/handlers.js';

test('mark keys: test variants, the external test package and the test main go by the package under test', () => {
  assert.equal(markKeyOf({ ImportPath: 'm/a' }), 'm/a');
  assert.equal(markKeyOf({ ImportPath: 'm/a [m/a.test]', ForTest: 'm/a' }), 'm/a');
  assert.equal(markKeyOf({ ImportPath: 'm/a_test [m/a.test]', ForTest: 'm/a' }), 'm/a');
  assert.equal(markKeyOf({ ImportPath: 'm/a.test', Name: 'main', Imports: ['m/a [m/a.test]', 'testing'] }), 'm/a');
  // A dependency recompiled for a test binary keeps its own path (go matches its patterns on it).
  assert.equal(markKeyOf({ ImportPath: 'm/b [m/a.test]', ForTest: 'm/a' }), 'm/b');
  // A real package whose path ends in .test is not a test main.
  assert.equal(markKeyOf({ ImportPath: 'm/x.test', Name: 'main', Imports: ['fmt'] }), 'm/x.test');
});

test('the mark follows the -V=full suffix toolexec mode would use', () => {
  assert.equal(planMark({ suffix: 'weft@1;abc' }), planMark({ suffix: 'weft@1;abc' }));
  assert.notEqual(planMark({ suffix: 'weft@1;abc' }), planMark({ suffix: 'weft@1;abd' }));
  assert.match(planMark({ suffix: 'x' }), /^[0-9a-f]{16}$/);
});

test('takeMark removes the mark from arguments and from a response file', () => {
  assert.deepEqual(takeMark(['-p', 'm/a', '-weftmark=abc', 'a.go']), { args: ['-p', 'm/a', 'a.go'], mark: 'abc' });
  assert.deepEqual(takeMark(['-p', 'm/a', 'a.go']), { args: ['-p', 'm/a', 'a.go'], mark: null });
  const dir = mkdtempSync(join(tmpdir(), 'weft-mark-'));
  writeFileSync(join(dir, 'args.rsp'), '-p\nm/a\n-weftmark=abc\n"/x y/a.go"\n');
  const r = takeMark([`@${join(dir, 'args.rsp')}`]);
  assert.equal(r.mark, 'abc');
  assert.equal(r.args.length, 1);
  assert.ok(r.args[0]!.startsWith('@') && r.args[0] !== `@${join(dir, 'args.rsp')}`, 'a new response file');
  assert.deepEqual(takeMark(r.args), { args: r.args, mark: null }, 'the new file holds no mark');
});

test('the snapshot sees a changed file, also one rewritten with the same size in the same second', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-snap-'));
  const a = join(dir, 'a.go');
  const b = join(dir, 'b.go');
  writeFileSync(a, 'package a // 1\n');
  writeFileSync(b, 'package a // 2\n');
  const old = new Date(Date.now() - 3600_000);
  utimesSync(b, old, old);
  // Whole seconds, so that setting the time back gives exactly the same stat.
  const recent = Math.floor(Date.now() / 1000);
  utimesSync(a, recent, recent);
  const snap = new PlanSnapshot();
  snap.record('m/a', [a]);
  snap.record('m/b', [b]);
  assert.deepEqual(snap.changedPackages(), []);
  // Same size, and the time set back to what it was: a was written just before the plan read it
  // (racy), so only its content can tell.
  const before = statSync(a);
  writeFileSync(a, 'package a // 3\n');
  utimesSync(a, recent, recent);
  const after = statSync(a);
  assert.equal(after.mtimeMs, before.mtimeMs, 'the stat is the same');
  assert.equal(after.size, before.size);
  assert.deepEqual(snap.changedPackages(), ['m/a']);
  writeFileSync(b, 'package a // 4\n');
  utimesSync(b, old, old);
  assert.deepEqual(snap.changedPackages(), ['m/a'], 'an old, same-size, same-time file is trusted by its stat (as git and go do)');
  writeFileSync(b, 'package a // 44\n');
  utimesSync(b, old, old);
  assert.deepEqual(snap.changedPackages().sort(), ['m/a', 'm/b']);
});

test('takeMark removes an overlay mark file (and its external-test twin) from a compile', () => {
  assert.deepEqual(takeMark(['-p', 'm/a', '/src/a/a.go', '/src/a/weft_mark_0123456789abcdef.go']), { args: ['-p', 'm/a', '/src/a/a.go'], mark: '0123456789abcdef' });
  assert.deepEqual(takeMark(['-p', 'm/a_test', '/src/a/weft_mark_0123456789abcdef_test.go', '/src/a/x_test.go']), { args: ['-p', 'm/a_test', '/src/a/x_test.go'], mark: '0123456789abcdef' });
  // Only weft's own pattern: a user file that merely looks alike stays.
  assert.deepEqual(takeMark(['/src/a/weft_mark_notahash.go']).mark, null);
});

test('takeMark leaves the -trimpath value that names the mark file alone', () => {
  const trim = '$WORK/b050=>;/tmp/weft-overlay-x/0/weft_mark_0123456789abcdef.go=>/src/a/weft_mark_0123456789abcdef.go';
  assert.deepEqual(takeMark(['-trimpath', trim, '-p', 'm/a', '/tmp/weft-overlay-x/0/weft_mark_0123456789abcdef.go', '/src/a/a.go']), {
    args: ['-trimpath', trim, '-p', 'm/a', '/src/a/a.go'],
    mark: '0123456789abcdef',
  });
});
