import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinGoflags, lastFlag, readGoCommand, readGoCommandLine, splitGoflags } from '../../../src/toolexec/go-command-line.js';

test('parses go test command lines with flags before and after packages, stopping at -args', () => {
  const c = readGoCommandLine(['test', '-race', '-run', 'TestX', './...', '-count=1', '-tags', 'a,b', '-args', '-tags=zzz']);
  assert.equal(c.subcommand, 'test');
  assert.deepEqual(c.packages, ['./...']);
  assert.equal(lastFlag(c.flags, 'race'), true);
  assert.equal(lastFlag(c.flags, 'run'), 'TestX');
  assert.equal(lastFlag(c.flags, 'tags'), 'a,b');
  assert.equal(readGoCommandLine(['-C', 'sub', 'test', './x']).subcommand, 'test');
  assert.equal(readGoCommandLine(['-C', 'sub', 'test', './x']).dir, 'sub');
});

test('go build and go run stop at the first package; the rest of go run belongs to the program', () => {
  assert.deepEqual(readGoCommandLine(['run', '-race', './cmd', '-toolexec=x', 'arg']).flags, [{ name: 'race', value: true }]);
  assert.deepEqual(readGoCommandLine(['run', '-race', './cmd', '-toolexec=x', 'arg']).packages, ['./cmd']);
  assert.deepEqual(readGoCommandLine(['build', './a', './b']).packages, ['./a', './b']);
});

test('arity by subcommand: go test -fullpath and -c are boolean, go vet -c takes a value', () => {
  assert.deepEqual(readGoCommandLine(['test', '-fullpath', './...']).packages, ['./...']);
  assert.deepEqual(readGoCommandLine(['test', '-c', './x']).packages, ['./x']);
  assert.deepEqual(readGoCommandLine(['vet', '-c', '3', './x']).packages, ['./x']);
  assert.deepEqual(readGoCommandLine(['vet', '-printfuncs', 'Logf', './x']).flags, [{ name: 'printfuncs', value: 'Logf' }]);
});

test('keeps every occurrence of a flag, in order', () => {
  const c = readGoCommandLine(['build', '-gcflags', 'all=-N', '--gcflags=-m', '-ldflags=-s', './...']);
  assert.deepEqual(c.flags, [
    { name: 'gcflags', value: 'all=-N' },
    { name: 'gcflags', value: '-m' },
    { name: 'ldflags', value: '-s' },
  ]);
});

test('GOFLAGS quoting round-trips values with spaces', () => {
  assert.deepEqual(splitGoflags(` -tags=a,b  '-toolexec=/my tools/weft toolexec' "-ldflags=-X 'm.v=1'" `), [
    '-tags=a,b', '-toolexec=/my tools/weft toolexec', "-ldflags=-X 'm.v=1'",
  ]);
  const fields = ['-trimpath', '-toolexec=/a b/shim', "-gcflags=-m 'x'"];
  assert.deepEqual(splitGoflags(joinGoflags(fields)), fields);
  assert.throws(() => splitGoflags("-a '-x=unterminated"), /unterminated/);
  // go splits on ASCII space, tab, CR and LF only.
  assert.deepEqual(splitGoflags('-a\u00a0b -c'), ['-a\u00a0b', '-c']);
  assert.throws(() => readGoCommand(['build'], '-mod=mod vendor'), /not a flag/);
});

test('-toolexec: the command line wins over GOFLAGS, and a quoted GOFLAGS path with spaces is one value', () => {
  assert.deepEqual(readGoCommand(['build', '.'], "-mod=mod '-toolexec=/my dir/shim'").toolexec, { value: '/my dir/shim', from: 'GOFLAGS' });
  assert.deepEqual(readGoCommand(['build', '-toolexec', '/a', '.'], '-toolexec=/b').toolexec, { value: '/a', from: 'command line' });
  assert.equal(readGoCommand(['build', '-o', '-toolexec', '.'], '').toolexec, null);
});

test('the model: tags normalised, the command line wins over GOFLAGS; coverage from any cover flag, go\'s default mode', () => {
  assert.equal(readGoCommand(['build', '-tags=b,a'], '').tags, 'a,b');
  assert.equal(readGoCommand(['build'], '-mod=mod -tags=x').tags, 'x');
  assert.equal(readGoCommand(['build', '-tags=z'], '-tags=x').tags, 'z');
  assert.equal(readGoCommand(['build', '-tags', 'a b,a'], '').tags, 'a,b');
  assert.equal(readGoCommand(['build'], '').tags, '');
  assert.deepEqual(['', '-cover', '-coverpkg=./...', '-covermode=count'].map((g) => readGoCommand(['build', '.'], g).cover), [false, true, true, true]);
  assert.equal(readGoCommand(['build', '-cover=false', '.'], '-cover').cover, false, 'the command line turns GOFLAGS\' -cover off');
  assert.equal(readGoCommand(['build', '-cover=false', '-coverpkg=./...', '.'], '').cover, true, '-coverpkg turns it on again');
  assert.equal(readGoCommand(['build', '-coverpkg=./...', '-cover=false', '.'], '').cover, false, 'in order, as go sets them');
  assert.equal(readGoCommand(['build', '-cover', '.'], '').coverMode, 'set');
  assert.equal(readGoCommand(['build', '-race', '.'], '-cover').coverMode, 'atomic');
  assert.equal(readGoCommand(['build', '.'], '').coverMode, '');
  assert.equal(readGoCommand(['build', '-overlay', 'o.json', '.'], '').overlay, 'o.json');
  const m = readGoCommand(['build', '.'], '-race');
  assert.ok(Object.isFrozen(m) && Object.isFrozen(m.allFlags));
});

test('flagsEnd: before the packages of go build/run, before -args of go test, the end otherwise', () => {
  const at = (args: string[]): string[] => args.slice(readGoCommandLine(args).flagsEnd);
  assert.deepEqual(at(['build', '-o', 'out', './cmd', './lib']), ['./cmd', './lib']);
  assert.deepEqual(at(['run', '-race', 'main.go', 'x.go', '-flag']), ['main.go', 'x.go', '-flag']);
  assert.deepEqual(at(['test', './a', '-run', 'X', '-args', '-v']), ['-args', '-v']);
  assert.deepEqual(at(['test', './a', '-count=1']), []);
  // go vet takes no flag after its packages ("malformed import path").
  assert.deepEqual(at(['vet', '-printf=false', './a', './b']), ['./a', './b']);
  assert.deepEqual(at(['build', '-tags', 'x']), []);
});

test('go run: the package is its leading .go files, or its first argument', () => {
  assert.deepEqual(readGoCommandLine(['run', 'main.go', 'util.go', 'arg.go1', 'x']).packages, ['main.go', 'util.go']);
  assert.deepEqual(readGoCommandLine(['run', 'main.go', 'util.go']).packages, ['main.go', 'util.go']);
  assert.deepEqual(readGoCommandLine(['run', './cmd', 'a.go']).packages, ['./cmd']);
});
