// Drop-in mode (no WEFT_SOCKET): concurrent shims of one go command start exactly one job
// server, keyed on the parent's pid and start time, in a private runtime directory, and all of
// them connect to it. The server here is a fake (baked into the shim with -ldflags like the real
// node + bin/weft.js) that records how it was started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcStat } from '../../../src/toolexec/go-process.js';
import { buildShim, fakeTool, runShim, shimEnv, tempDir } from './helpers.js';

const protocolUrl = new URL('../../../src/protocol/index.js', import.meta.url).href;

const fakeServerScript = `
import { createServer } from 'node:net';
import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
const { FrameDecoder, encodeFrame, validateShimMessage, PROTOCOL_VERSION } = await import(${JSON.stringify(protocolUrl)});
const args = process.argv.slice(2);
appendFileSync(process.env.FAKE_STARTS, JSON.stringify({ pid: process.pid, args }) + '\\n');
if (process.env.FAKE_FAIL) { console.error('fake server: failing on purpose'); process.exit(7); }
const socket = args[args.indexOf('--socket') + 1];
// Start slowly so that concurrent shims queue on the lock.
await new Promise((r) => setTimeout(r, 300));
// A killed predecessor leaves its socket file: the server removes it, as the real one does.
rmSync(socket, { force: true });
createServer((sock) => {
  const dec = new FrameDecoder();
  sock.on('data', (chunk) => {
    for (const m of dec.push(chunk)) {
      const msg = validateShimMessage(m);
      if (msg.t === 'hello') sock.write(encodeFrame({ t: 'hello', v: PROTOCOL_VERSION, weft: 'fake', ok: true, suffix: 'weft@fake;dropin' }));
      else if (process.env.FAKE_GONE_ONCE && !existsSync(process.env.FAKE_GONE_ONCE)) {
        // The first request meets a server on its way out: killed (EOF) or stopping (E_CLOSED).
        writeFileSync(process.env.FAKE_GONE_ONCE, '');
        if (process.env.FAKE_GONE_HOW === 'closed') {
          sock.write(encodeFrame({ t: 'reply', id: msg.id, ok: false, error: { code: 'E_CLOSED', message: 'the job server is shutting down' } }));
        }
        sock.destroy();
        process.exit(0);
      } else sock.write(encodeFrame({ t: 'reply', id: msg.id, ok: true, args: ['-dropin', ...msg.args] }));
    }
  });
  sock.on('error', () => {});
}).listen(socket);
setTimeout(() => process.exit(0), 60000);
`;

let dir: string;
let shim: string;
let tools: string;
const started: number[] = [];

before(() => {
  dir = tempDir('dropin');
  const script = join(dir, 'fake-server.mjs');
  writeFileSync(script, fakeServerScript);
  shim = buildShim(dir, ['-X', `main.serverNode=${process.execPath}`, '-X', `main.serverScript=${script}`]);
  tools = join(dir, 'tools');
  rmSync(tools, { recursive: true, force: true });
  fakeTool(dir, 'compile', 'if [ "$1" = "-V=full" ]; then echo "compile version go1.99.1"; exit 0; fi\necho "compile ran: $*"');
});

after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function ourStartTime(): string {
  return parseProcStat(readFileSync('/proc/self/stat', 'latin1'))!.startTime;
}

function readStarts(file: string): Array<{ pid: number; args: string[] }> {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

test('concurrent shims of one go command start exactly one server and all use it', async () => {
  const runtime = tempDir('xdg');
  const starts = join(dir, 'starts-1');
  const env = shimEnv({ XDG_RUNTIME_DIR: runtime, FAKE_STARTS: starts });
  const runs = await Promise.all([1, 2, 3, 4, 5].map((i) => runShim(shim, [join(dir, 'compile'), '-p', `p${i}`], env)));
  for (const [i, r] of runs.entries()) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `compile ran: -dropin -p p${i + 1}\n`);
  }
  const s = readStarts(starts);
  for (const x of s) started.push(x.pid);
  assert.equal(s.length, 1, `one server start, got ${s.length}`);
  const base = join(runtime, 'weft', `drop-${process.pid}-${ourStartTime()}`);
  assert.deepEqual(s[0]!.args, ['server', '--drop-in', '--socket', `${base}.sock`, '--go-pid', String(process.pid)]);
  assert.equal(statSync(join(runtime, 'weft')).mode & 0o777, 0o700);
  assert.ok(existsSync(`${base}.log`), 'the server log file exists');

  // -V=full in drop-in mode gets the suffix from the same server.
  const v = await runShim(shim, [join(dir, 'compile'), '-V=full'], env);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout, 'compile version go1.99.1 weft@fake;dropin\n');
  assert.equal(readStarts(starts).length, 1, 'still one server');
});

for (const how of ['killed', 'closed'] as const) {
  test(`a server that goes away before answering (${how}) is replaced and the compile still succeeds`, async () => {
    const runtime = tempDir(`xdg-gone-${how}`);
    const starts = join(dir, `starts-gone-${how}`);
    const env = shimEnv({ XDG_RUNTIME_DIR: runtime, FAKE_STARTS: starts, FAKE_GONE_ONCE: join(runtime, 'gone'), FAKE_GONE_HOW: how });
    const r = await runShim(shim, [join(dir, 'compile'), '-p', 'x'], env);
    const s = readStarts(starts);
    for (const x of s) started.push(x.pid);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'compile ran: -dropin -p x\n');
    assert.equal(s.length, 2, 'the replacement server was started once');
  });
}

test('a server that exits before listening is reported at once with its log', async () => {
  const runtime = tempDir('xdg-fail');
  const starts = join(dir, 'starts-2');
  const r = await runShim(shim, [join(dir, 'compile'), '-p', 'x'], shimEnv({ XDG_RUNTIME_DIR: runtime, FAKE_STARTS: starts, FAKE_FAIL: '1' }));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^weft: drop-in mode: the job server exited \(status 7\) before it listened on .*\.sock\n  hint: see its log .*drop-\d+-\d+\.log\n    fake server: failing on purpose/);
  assert.equal(readStarts(starts).length, 1);
});

test('a runtime directory that others can enter is refused', async () => {
  const runtime = tempDir('xdg-open');
  const { mkdirSync, chmodSync } = await import('node:fs');
  mkdirSync(join(runtime, 'weft'));
  chmodSync(join(runtime, 'weft'), 0o777);
  const r = await runShim(shim, [join(dir, 'compile'), '-p', 'x'], shimEnv({ XDG_RUNTIME_DIR: runtime, FAKE_STARTS: join(dir, 'starts-3') }));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not a private directory of this user/);
  assert.equal(readStarts(join(dir, 'starts-3')).length, 0);
});

test('a shim built without a server command says how to get one', async () => {
  const plain = buildShim(tempDir('plain'));
  const r = await runShim(plain, [join(dir, 'compile'), '-p', 'x'], shimEnv({ XDG_RUNTIME_DIR: tempDir('xdg-plain') }));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /built without a job server command and WEFT_SOCKET is not set\n  hint: .*weft toolexec-path/);
});

test('a wrapper between go and the shim (-toolexec="wrapper shim") still keys on the go process', async () => {
  const { symlinkSync, mkdirSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  const runtime = tempDir('xdg-wrap');
  const starts = join(dir, 'starts-wrap');
  const bin = join(dir, 'fake-go-bin');
  mkdirSync(bin, { recursive: true });
  if (!existsSync(join(bin, 'go'))) symlinkSync('/bin/sh', join(bin, 'go'));
  // "go" (a shell named go) runs a second shell, which runs the shim twice: the shim's parent is
  // the inner shell, its grandparent the process named go.
  const inner = `${shim} ${join(dir, 'compile')} -p a; ${shim} ${join(dir, 'compile')} -p b; true`;
  const child = spawn(join(bin, 'go'), ['-c', `/bin/sh -c '${inner}'; true`], { env: shimEnv({ XDG_RUNTIME_DIR: runtime, FAKE_STARTS: starts }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const goPid = child.pid!;
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const s = readStarts(starts);
  for (const x of s) started.push(x.pid);
  assert.equal(code, 0, out);
  assert.equal(out, 'compile ran: -dropin -p a\ncompile ran: -dropin -p b\n');
  assert.equal(s.length, 1, 'one server for both shims');
  assert.equal(s[0]!.args[s[0]!.args.indexOf('--go-pid') + 1], String(goPid));
});
