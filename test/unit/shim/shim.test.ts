// Behaviour of the real shim binary: pass-through, -V=full, one compile/link round trip against
// a fake job server that speaks the real protocol, error replies, a server that dies, and
// appending archive members.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type ToolRequest } from '../../../src/protocol/index.js';
import { buildShim, fakeServer, fakeTool, goEnv, makeAr, readAr, runShim, send, shimEnv, tempDir } from './helpers.js';

let dir: string;
let shim: string;
let tools: string;

before(() => {
  dir = tempDir('shim');
  shim = buildShim(dir, ['-X', 'main.weftVersion=9.8.7']);
  tools = join(dir, 'tools');
  spawnSync('mkdir', ['-p', tools]);
  // Every fake tool prints its name, arguments and one env var, then exits with $FAKE_EXIT.
  for (const name of ['asm', 'compile', 'link', 'cgo']) {
    fakeTool(tools, name, [
      'if [ "$1" = "-V=full" ]; then printf "' + name + ' version go1.99.1\\nsecond line\\n"; exit ${FAKE_EXIT:-0}; fi',
      'echo "' + name + ' ran: $*"',
      'echo "SOME_VAR=$SOME_VAR"',
      'if [ -n "$FAKE_AR" ]; then cp "$FAKE_AR" "$2"; fi',
      'exit ${FAKE_EXIT:-0}',
    ].join('\n'));
  }
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('a tool other than compile/link is exec\'d unchanged: same args, env, stdout and exit code, no IPC', async () => {
  const stats = join(dir, 'stats-exec');
  // WEFT_SOCKET points nowhere: any IPC attempt would fail the run.
  const r = await runShim(shim, [join(tools, 'asm'), '-p', 'x y', '-o', 'out.o'], shimEnv({ SOME_VAR: 'kept', FAKE_EXIT: '3', WEFT_SOCKET: join(dir, 'nothing.sock'), WEFT_STATS_FILE: stats }));
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, 'asm ran: -p x y -o out.o\nSOME_VAR=kept\n');
  assert.equal(r.stderr, '');
  assert.match(readFileSync(stats, 'utf8'), /^asm exec \d+\n$/);
});

test('-V=full appends the suffix to the end of the first line only, with the tool\'s exit code', async () => {
  const stats = join(dir, 'stats-v');
  const r = await runShim(shim, [join(tools, 'compile'), '-V=full'], shimEnv({ WEFT_VERSION_SUFFIX: 'weft@9.8.7;abc123', WEFT_SOCKET: join(dir, 'nothing.sock'), WEFT_STATS_FILE: stats }));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'compile version go1.99.1 weft@9.8.7;abc123\nsecond line\n');
  assert.match(readFileSync(stats, 'utf8'), /^compile vfull \d+\n$/);
  const failing = await runShim(shim, [join(tools, 'link'), '-V=full'], shimEnv({ WEFT_VERSION_SUFFIX: 's', FAKE_EXIT: '1' }));
  assert.equal(failing.code, 1);
  assert.equal(failing.stdout, 'link version go1.99.1 s\nsecond line\n');
});

test('-V=full without WEFT_VERSION_SUFFIX asks the server for the suffix with a Hello', async () => {
  const srv = await fakeServer(tempDir('vfull'), (msg, sock) => {
    if (msg.t === 'hello') send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: '9.8.7', ok: true, suffix: 'weft@9.8.7;fromserver' });
  });
  try {
    const r = await runShim(shim, [join(tools, 'compile'), '-V=full'], shimEnv({ WEFT_SOCKET: srv.socket }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'compile version go1.99.1 weft@9.8.7;fromserver\nsecond line\n');
    assert.deepEqual(srv.received, [{ t: 'hello', v: PROTOCOL_VERSION, weft: '9.8.7' }]);
  } finally {
    await srv.close();
  }
});

test('compile sends Hello + ToolRequest and execs the tool with the returned args', async () => {
  const srv = await fakeServer(tempDir('compile'), (msg, sock) => {
    if (msg.t === 'hello') send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: 'srv', ok: true });
    else send(sock, { t: 'reply', id: msg.id, ok: true, args: ['-woven', ...msg.args.slice(1)] });
  });
  const stats = join(dir, 'stats-ipc');
  try {
    const cwd = tempDir('cwd');
    const r = await runShim(shim, [join(tools, 'compile'), '-o', 'x.a', '-p', 'main', 'a.go'],
      shimEnv({ WEFT_SOCKET: srv.socket, TOOLEXEC_IMPORTPATH: 'example.com/m [example.com/m.test]', GOOS: 'linux', GOFLAGS: '-tags=x', SOME_VAR: 'v', WEFT_STATS_FILE: stats }), { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'compile ran: -woven x.a -p main a.go\nSOME_VAR=v\n');
    assert.equal(srv.received.length, 2);
    assert.deepEqual(srv.received[0], { t: 'hello', v: PROTOCOL_VERSION, weft: '9.8.7' });
    const req = srv.received[1] as ToolRequest;
    assert.equal(req.t, 'tool');
    assert.equal(req.tool, 'compile');
    assert.equal(req.path, join(tools, 'compile'));
    assert.deepEqual(req.args, ['-o', 'x.a', '-p', 'main', 'a.go']);
    assert.equal(req.pkg, 'example.com/m [example.com/m.test]');
    assert.equal(req.cwd, cwd);
    assert.ok(req.pid > 0);
    assert.equal(req.env['GOOS'], 'linux');
    assert.equal(req.env['GOFLAGS'], '-tags=x');
    assert.equal(req.env['SOME_VAR'], undefined, 'only FORWARDED_ENV is sent');
    assert.match(readFileSync(stats, 'utf8'), /^compile ipc \d+\n$/);
  } finally {
    await srv.close();
  }
});

test('an error reply prints weft: <location> <aspect> <message> and the hint to stderr and exits 2', async () => {
  const srv = await fakeServer(tempDir('err'), (msg, sock) => {
    if (msg.t === 'hello') send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: 'srv', ok: true });
    else send(sock, { t: 'reply', id: msg.id, ok: false, error: { code: 'E_WEAVE_FAILED', message: 'cannot wrap', hint: 'fix the aspect', location: { file: '/src/a.go', line: 3, column: 9 }, aspect: 'http', details: ['d1'] } });
  });
  try {
    const r = await runShim(shim, [join(tools, 'link'), '-o', 'a.out'], shimEnv({ WEFT_SOCKET: srv.socket }));
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '', 'the tool must not run');
    assert.equal(r.stderr, 'weft: /src/a.go:3:9: aspect "http": cannot wrap\n  d1\n  hint: fix the aspect\n');
  } finally {
    await srv.close();
  }
});

test('a protocol version mismatch in the HelloReply is shown and exits 2', async () => {
  const srv = await fakeServer(tempDir('mismatch'), (msg, sock) => {
    if (msg.t === 'hello') {
      send(sock, { t: 'hello', v: PROTOCOL_VERSION + 1, weft: 'new', ok: false, error: { code: 'E_PROTOCOL', message: 'protocol version mismatch: shim 1, server 2', hint: 'rebuild' } });
      sock.end();
    }
  });
  try {
    const r = await runShim(shim, [join(tools, 'compile'), '-o', 'x.a'], shimEnv({ WEFT_SOCKET: srv.socket }));
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^weft: protocol version mismatch: shim 1, server 2\n  hint: rebuild\n$/);
  } finally {
    await srv.close();
  }
});

test('a server that dies mid-call: the shim exits 2 at once naming the socket', async () => {
  const srv = await fakeServer(tempDir('die'), (msg, sock) => {
    if (msg.t === 'tool') sock.destroy();
  });
  try {
    // No call timeout override: a hang would be caught by runShim's guard, not by a deadline.
    const r = await runShim(shim, [join(tools, 'compile'), '-o', 'x.a'], shimEnv({ WEFT_SOCKET: srv.socket }));
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith(`weft: lost connection to the job server at ${srv.socket}: `), r.stderr);
    assert.match(r.stderr, /the build cannot continue \(was the weft process killed\?\)/);
  } finally {
    await srv.close();
  }
});

test('no server listening: connect fails fast with the socket named', async () => {
  const socket = join(dir, 'absent.sock');
  const r = await runShim(shim, [join(tools, 'compile'), '-o', 'x.a'], shimEnv({ WEFT_SOCKET: socket }));
  assert.equal(r.code, 2);
  assert.ok(r.stderr.startsWith(`weft: cannot connect to the job server at ${socket}: `), r.stderr);
});

test('a server that never answers hits WEFT_CALL_TIMEOUT', async () => {
  const srv = await fakeServer(tempDir('slow'), () => undefined);
  try {
    const r = await runShim(shim, [join(tools, 'compile'), '-o', 'x.a'], shimEnv({ WEFT_SOCKET: srv.socket, WEFT_CALL_TIMEOUT: '1' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did not answer within 1s/);
  } finally {
    await srv.close();
  }
});

test('a garbage reply is a protocol error, not a crash', async () => {
  const srv = await fakeServer(tempDir('garbage'), (msg, sock) => {
    sock.write(Buffer.from([0, 0, 0, 3, 0x92, 0xc1, 0xc1]));
  });
  try {
    const r = await runShim(shim, [join(tools, 'compile'), '-o', 'x.a'], shimEnv({ WEFT_SOCKET: srv.socket }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^weft: received a malformed frame: .* from the job server at /);
  } finally {
    await srv.close();
  }
});

test('append members are added to the archive after the tool exits 0, readable by go tool pack', async () => {
  const work = tempDir('append');
  const original = makeAr([{ name: '__.PKGDEF', data: Buffer.from('go object linux amd64 go1.99\n!\n') }]);
  const template = join(work, 'template.a');
  writeFileSync(template, original);
  const archive = join(work, '_pkg_.a');
  const deps = Buffer.from('#link.deps@v2\nimport\tfmt\n'); // odd length: needs a pad byte
  const srv = await fakeServer(work, (msg, sock) => {
    if (msg.t === 'hello') send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: 'srv', ok: true });
    else send(sock, { t: 'reply', id: msg.id, ok: true, args: msg.args, append: [{ archive, name: 'link.deps', data: deps }, { archive, name: 'weft.second', data: Buffer.from('12345678') }] });
  });
  try {
    const r = await runShim(shim, [join(tools, 'compile'), '-o', archive, '-p', 'x'], shimEnv({ WEFT_SOCKET: srv.socket, FAKE_AR: template }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], `compile ran: -o ${archive} -p x`);
    const members = readAr(readFileSync(archive));
    assert.deepEqual(members.map((m) => m.name), ['__.PKGDEF', 'link.deps', 'weft.second']);
    assert.deepEqual(members[1]!.data, deps);
    const pack = spawnSync('go', ['tool', 'pack', 't', archive], { env: goEnv(), encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    assert.deepEqual(pack.stdout.trim().split('\n'), ['__.PKGDEF', 'link.deps', 'weft.second']);

    // The tool fails: its exit code is kept and nothing is appended.
    writeFileSync(archive, original);
    const failed = await runShim(shim, [join(tools, 'compile'), '-o', archive], shimEnv({ WEFT_SOCKET: srv.socket, FAKE_EXIT: '1' }));
    assert.equal(failed.code, 1);
    assert.deepEqual(readFileSync(archive), original);

    // Not an archive: a clear error, exit 2.
    const notAr = join(work, 'plain.a');
    writeFileSync(notAr, 'hello');
    const srv2 = await fakeServer(tempDir('append2'), (msg, sock) => {
      if (msg.t === 'hello') send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: 'srv', ok: true });
      else send(sock, { t: 'reply', id: msg.id, ok: true, args: msg.args, append: [{ archive: notAr, name: 'link.deps', data: deps }] });
    });
    const bad = await runShim(shim, [join(tools, 'compile'), '-o', notAr], shimEnv({ WEFT_SOCKET: srv2.socket }));
    await srv2.close();
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^weft: cannot add member link\.deps to .*plain\.a: not an ar archive/);
    assert.ok(existsSync(notAr));
  } finally {
    await srv.close();
  }
});

test('a tool run as a child (append mode) gets the termination signal the shim receives', async () => {
  const work = tempDir('signal');
  const started = join(work, 'started');
  const marker = join(work, 'got-term');
  const slow = join(work, 'slowtool');
  spawnSync('mkdir', ['-p', slow]);
  fakeTool(slow, 'compile', `trap 'echo term > ${marker}; exit 143' TERM\necho > ${started}\nsleep 30 &\nwait`);
  const srv = await fakeServer(work, (msg, sock) => {
    if (msg.t === 'hello') send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: 'srv', ok: true });
    else send(sock, { t: 'reply', id: msg.id, ok: true, args: msg.args, append: [{ archive: join(work, 'x.a'), name: 'link.deps', data: Buffer.from('12345678') }] });
  });
  try {
    const { spawn } = await import('node:child_process');
    const child = spawn(shim, [join(slow, 'compile'), '-o', 'x.a'], { env: shimEnv({ WEFT_SOCKET: srv.socket }), stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 300 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(started), 'the tool started');
    child.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 143);
    assert.equal(readFileSync(marker, 'utf8'), 'term\n');
  } finally {
    await srv.close();
  }
});

test('planned mode: -V=full is the tool\'s own answer, unmarked compiles and links are exec\'d without asking anyone', async () => {
  const stats = join(dir, 'stats-planned');
  // WEFT_SOCKET points nowhere: any IPC attempt would fail the run.
  const env = shimEnv({ WEFT_SHIM_MODE: 'planned', WEFT_VERSION_SUFFIX: 'weft@9.8.7;never', WEFT_SOCKET: join(dir, 'nothing.sock'), WEFT_STATS_FILE: stats });
  const v = await runShim(shim, [join(tools, 'compile'), '-V=full'], env);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout, 'compile version go1.99.1\nsecond line\n');
  const c = await runShim(shim, [join(tools, 'compile'), '-p', 'm/a', '-o', 'a.a', 'a.go'], env);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.stdout, 'compile ran: -p m/a -o a.a a.go\nSOME_VAR=\n');
  const l = await runShim(shim, [join(tools, 'link'), '-o', 'a.out', 'a.a'], env);
  assert.equal(l.code, 0, l.stderr);
  assert.deepEqual(readFileSync(stats, 'utf8').split('\n').filter(Boolean).map((x) => x.split(' ').slice(0, 2).join(' ')), ['compile vfull', 'compile exec', 'link exec']);
});

test('planned mode: a marked compile asks the server (which would strip the mark)', async () => {
  let seen: ToolRequest | null = null;
  const srv = await fakeServer(tempDir('marked'), (msg, sock) => {
    if (msg.t === 'hello') send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: '9.8.7', ok: true });
    else if (msg.t === 'tool') {
      seen = msg as ToolRequest;
      send(sock, { t: 'reply', id: (msg as ToolRequest).id, ok: true, args: (msg as ToolRequest).args.filter((a) => !a.startsWith('-weftmark=')) });
    }
  });
  try {
    const r = await runShim(shim, [join(tools, 'compile'), '-p', 'm/a', '-weftmark=abc', 'a.go'], shimEnv({ WEFT_SHIM_MODE: 'planned', WEFT_SOCKET: srv.socket }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'compile ran: -p m/a a.go\nSOME_VAR=\n');
    assert.deepEqual(seen!.args, ['-p', 'm/a', '-weftmark=abc', 'a.go']);
  } finally {
    await srv.close();
  }
});

test('a tool named without a directory (go runs `gcc -### …` through -toolexec for cgo\'s cache key) is found on PATH', async () => {
  const r = await runShim(shim, ['asm', '-x'], shimEnv({ PATH: `${tools}:${process.env['PATH'] ?? ''}`, WEFT_SOCKET: join(dir, 'nothing.sock') }));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'asm ran: -x\nSOME_VAR=\n');
});
