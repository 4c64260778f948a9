// Every flag of the go subcommands weft instruments, with whether it takes a value, as the
// toolchain under test documents them (`go help build|test|testflag|vet|run`, `go tool vet
// -flags`), against weft's table (goFlagTakesValue): a value flag weft does not know turns
// `-newflag v ./...` into a package `v`, a boolean one it thinks takes a value swallows the first
// package. WEFT_TEST_GO / WEFT_TEST_GOTOOLCHAIN choose the toolchain (test/e2e/helpers.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { goFlagTakesValue } from '../../../src/toolexec/go-command-line.js';

const go = process.env['WEFT_TEST_GO'] || 'go';
const env = { ...process.env, GOTOOLCHAIN: process.env['WEFT_TEST_GOTOOLCHAIN'] || 'local', GOFLAGS: '' };
const hasGo = spawnSync(go, ['version'], { stdio: 'ignore' }).status === 0;

function goOut(args: string[]): string {
  const r = spawnSync(go, args, { env, encoding: 'utf8' });
  assert.equal(r.error, undefined);
  // `go help x` prints to stdout (older toolchains: stderr).
  return r.stdout + r.stderr;
}

/** name → takes a value, from a help text: `\t-name [value]` lines (or `  -name value` for vet), and `[-name value]` in the usage line. */
export function helpFlags(text: string, indent: 'tab' | 'spaces'): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const line = indent === 'tab' ? /^\t-([A-Za-z][\w.-]*)(?: (\S.*))?$/ : /^ {2}-([A-Za-z][\w.-]*)(?: (\S+))?$/;
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (m !== null) out.set(m[1]!, m[2] !== undefined);
  }
  const usage = text.split('\n')[0] ?? '';
  for (const m of usage.matchAll(/\[-([A-Za-z][\w.-]*)(?: ([^\]\s]+))?\]/g)) out.set(m[1]!, m[2] !== undefined);
  return out;
}

describe('go flag arity: weft\'s table against the toolchain', { skip: !hasGo && 'go is not installed' }, () => {
  const version = goOut(['env', 'GOVERSION']).trim();
  const build = helpFlags(goOut(['help', 'build']), 'tab');
  build.delete('C'); // only before the subcommand: the reader takes it there
  const test = new Map([...build, ...helpFlags(goOut(['help', 'test']), 'tab'), ...helpFlags(goOut(['help', 'testflag']), 'tab')]);
  test.delete('args'); // ends go's flags: the reader stops there
  const vetTool = JSON.parse(goOut(['tool', 'vet', '-flags']).trim()) as { Name: string; Bool: boolean }[];
  const vet = new Map([...build, ...helpFlags(goOut(['help', 'vet']), 'spaces'), ...vetTool.map((f): [string, boolean] => [f.Name, !f.Bool])]);
  const run = new Map([...build, ...helpFlags(goOut(['help', 'run']), 'tab')]);
  const bySub: [string, Map<string, boolean>][] = [['build', build], ['install', build], ['run', run], ['test', test], ['vet', vet]];

  it(`the help texts were read (${version})`, () => {
    for (const [flag, value] of [['o', true], ['race', false], ['tags', true], ['toolexec', true], ['trimpath', false]] as const) assert.equal(build.get(flag), value, `go help build: -${flag}`);
    for (const [flag, value] of [['run', true], ['count', true], ['c', false], ['json', false], ['exec', true]] as const) assert.equal(test.get(flag), value, `go test: -${flag}`);
    assert.equal(vet.get('vettool'), true);
    assert.equal(run.get('exec'), true, 'go run [-exec xprog]');
    assert.ok(build.size > 30 && test.size > 60 && vet.size > 60, `${build.size} ${test.size} ${vet.size}`);
  });

  for (const [sub, flags] of bySub) {
    it(`go ${sub}: every flag's arity is weft's`, () => {
      const wrong = [...flags].filter(([name, value]) => goFlagTakesValue(sub, name) !== value).map(([name, value]) => `-${name} ${value ? 'takes a value' : 'is boolean'} in ${version}`);
      assert.deepEqual(wrong, [], 'fix the tables in src/toolexec/go-command-line.ts');
    });
  }
});
