import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTopLevel, WeftError } from '../../../src/errors.js';
import { main } from '../../../src/cli/index.js';
import { checkNoUserToolexec, extractWeftFlags, findUserToolexec, parseGoInvocation, quoteToolexec, withToolexec } from '../../../src/build/go-args.js';

describe('weft go argument handling', () => {
  it('takes --weft-* flags out wherever they are, leaving go flags alone', () => {
    const { goArgs, flags } = extractWeftFlags(['build', '--weft-stats', '-o', 'out', '--weft-config=a.yml', '-race', '--weft-log-level', 'debug', './...']);
    assert.deepEqual(goArgs, ['build', '-o', 'out', '-race', './...']);
    assert.deepEqual(flags, { stats: 'text', config: 'a.yml', logLevel: 'debug' });
    assert.equal(extractWeftFlags(['build', '--weft-stats=json']).flags.stats, 'json');
    assert.equal(extractWeftFlags(['build', '--weft-stats=off']).flags.stats, 'off');
    assert.throws(() => extractWeftFlags(['build', '--weft-stats=xml']), /--weft-stats=xml is not a statistics format/);
    assert.deepEqual(extractWeftFlags(['build', '--weft-strict', '.']).flags, { strict: true });
    assert.deepEqual(extractWeftFlags(['build', '--weft-strict=false', '.']).flags, { strict: false });
  });

  it('stops at a bare -- (program arguments) and rejects unknown weft flags', () => {
    assert.deepEqual(extractWeftFlags(['run', '.', '--', '--weft-stats']).goArgs, ['run', '.', '--', '--weft-stats']);
    assert.throws(() => extractWeftFlags(['build', '--weft-bogus']), (e: unknown) => e instanceof WeftError && e.code === 'E_USAGE' && /--weft-bogus/.test(e.message));
    assert.throws(() => extractWeftFlags(['build', '--weft-config']), /needs a value/);
  });

  it('finds -C before the subcommand, relative to cwd', () => {
    const inv = parseGoInvocation(['-C', 'sub/dir', 'test', '-run', 'X', './...'], '/home/u');
    assert.deepEqual(inv, { pre: ['-C', 'sub/dir'], dir: '/home/u/sub/dir', sub: 'test', rest: ['-run', 'X', './...'], instrument: true });
    assert.equal(parseGoInvocation(['-C=/abs', 'build'], '/x').dir, '/abs');
    assert.equal(parseGoInvocation(['mod', 'tidy'], '/x').instrument, false);
    assert.equal(parseGoInvocation(['-h'], '/x').sub, '');
  });

  it('inserts -toolexec right after the subcommand only for compiling subcommands', () => {
    for (const sub of ['build', 'install', 'run', 'test', 'vet']) {
      assert.deepEqual(withToolexec(parseGoInvocation(['-C', 'd', sub, '-x', './...'], '/'), '/c/shim'), ['-C', 'd', sub, '-toolexec=/c/shim', '-x', './...']);
    }
    assert.deepEqual(withToolexec(parseGoInvocation(['env', 'GOPATH'], '/'), '/c/shim'), ['env', 'GOPATH']);
  });

  it('quotes a shim path with spaces the way go splits -toolexec', () => {
    assert.equal(quoteToolexec('/a b/shim'), "'/a b/shim'");
    assert.equal(quoteToolexec("/it's here/shim"), '"/it\'s here/shim"');
    assert.equal(quoteToolexec('/plain/shim'), '/plain/shim');
  });

  it('spots a user -toolexec on the command line or in GOFLAGS, skipping flag values', () => {
    assert.equal(findUserToolexec(['-o', '-toolexec', './...']), null, '-toolexec here is the value of -o');
    assert.equal(findUserToolexec(['-race', '-toolexec', 'x y', './...']), 'x y');
    assert.equal(findUserToolexec(['--toolexec=/t', './...']), '/t');
    assert.equal(findUserToolexec(['./...', '-toolexec=/t']), null, 'after the packages it belongs to the program');
    const inv = parseGoInvocation(['build', '-toolexec=/t', '.'], '/');
    assert.throws(() => checkNoUserToolexec(inv, ''), (e: unknown) => e instanceof WeftError && e.code === 'E_USAGE' && /already has -toolexec=\/t/.test(e.message) && e.hint !== undefined);
    assert.throws(() => checkNoUserToolexec(parseGoInvocation(['build', '.'], '/'), '-mod=mod -toolexec=/other'), /GOFLAGS already has -toolexec=\/other/);
    checkNoUserToolexec(parseGoInvocation(['build', '.'], '/'), '-mod=mod');
    // GOFLAGS is split as go splits it: a quoted -toolexec with a space is still a -toolexec.
    assert.throws(() => checkNoUserToolexec(parseGoInvocation(['build', '.'], '/'), "'-toolexec=/my dir/shim'"), /GOFLAGS already has -toolexec=\/my dir\/shim/);
    // go test takes flags after the packages.
    assert.throws(() => checkNoUserToolexec(parseGoInvocation(['test', './...', '-toolexec=/t'], '/'), ''), /command line already has -toolexec=\/t/);
  });

  it('formats setup errors on one line with the hint', () => {
    assert.equal(formatTopLevel({ code: 'E_GO_NOT_FOUND', message: 'no go', hint: 'install it' }), 'weft: no go; install it');
  });
});

describe('weft main()', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), env: { ...process.env, WEFT_CONFIG: '' } as NodeJS.ProcessEnv, cwd: process.cwd() } };
  }

  it('weft version prints to stdout', async () => {
    const t = io();
    assert.equal(await main(['version'], t.io), 0);
    assert.match(t.out.join(''), /^weft \d+\.\d+\.\d+/);
  });

  it('an unknown weft flag exits 2 with one line on stderr', async () => {
    const t = io();
    assert.equal(await main(['--bogus', 'go', 'build'], t.io), 2);
    assert.equal(t.out.join(''), '');
    const text = t.err.join('');
    assert.match(text, /^weft: unknown option '--bogus'/);
    assert.equal(text.trimEnd().split('\n').length, 1);
  });

  it('weft go with a -toolexec of its own exits 2 before starting anything', async () => {
    const t = io();
    assert.equal(await main(['go', 'build', '-toolexec=/usr/bin/true', './...'], t.io), 2);
    assert.match(t.err.join(''), /already has -toolexec/);
  });

  it('weft go without go on PATH exits 2 saying so', async () => {
    const t = io();
    t.io.env = { PATH: '/nonexistent' } as NodeJS.ProcessEnv;
    assert.equal(await main(['go', 'build'], t.io), 2);
    assert.match(t.err.join(''), /^weft: no `go` command on PATH; install Go/);
  });
});
