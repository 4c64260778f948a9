// How the compile-count tests read `strace -f -e trace=execve` logs (test/e2e/helpers.ts): a
// compile counts once whichever thread strace shows its execve on, and only when it did not fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compiledPackages } from '../../e2e/helpers.js';

const call = (pid: number, out: string, pkg: string, end: string): string =>
  `${pid} execve("/go/pkg/tool/linux_amd64/compile", ["compile", "-o", "${out}", "-p", "${pkg}"], 0x1 /* 3 vars */${end}`;

test('a compile whose result strace prints under the process pid, not the exec-ing thread, counts', () => {
  assert.deepEqual(compiledPackages([call(201, '/w/b2/_pkg_.a', 'b', ' <unfinished ...>'), '200 <... execve resumed>) = 0'].join('\n')), ['b']);
});

test('a compile exec-ed by a thread other than the leader (strace: "<pid changed to N ...>", then the result under N) counts', () => {
  const log = [
    call(27546, '/w/b9/_pkg_.a', 'e', ' <pid changed to 27526 ...>'),
    '27526 +++ superseded by execve in pid 27546 +++',
    '27526 <... execve resumed>) = 0',
    call(27601, '/w/b8/_pkg_.a', 'f', ' <pid changed to 27600 ...>'),
    '27600 <... execve resumed>) = -1 ENOENT (No such file or directory)',
  ].join('\n');
  assert.deepEqual(compiledPackages(log), ['e']);
});

test('one execve shown on two threads counts once; a failed one and a version query do not count', () => {
  const log = [
    call(100, '/w/b1/_pkg_.a', 'a', ') = 0'),
    call(301, '/w/b3/_pkg_.a', 'c', ' <unfinished ...>'),
    call(302, '/w/b3/_pkg_.a', 'c', ' <unfinished ...>'),
    '301 <... execve resumed>) = 0',
    '302 <... execve resumed>) = -1 ESRCH (No such process)',
    call(500, '/w/b5/_pkg_.a', 'd', ' <unfinished ...>'),
    '500 <... execve resumed>) = -1 ENOENT (No such file or directory)',
    '400 execve("/go/pkg/tool/linux_amd64/compile", ["compile", "-V=full"], 0x1 /* 3 vars */) = 0',
  ].join('\n');
  assert.deepEqual(compiledPackages(log), ['a', 'c']);
});

test('the same package compiled by two go processes (two $WORK actions) counts twice', () => {
  assert.deepEqual(compiledPackages([call(1, '/w1/b7/_pkg_.a', 'x', ') = 0'), call(2, '/w2/b7/_pkg_.a', 'x', ') = 0')].join('\n')), ['x', 'x']);
});
