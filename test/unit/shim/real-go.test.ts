// The shim under the real go command: `go build -toolexec=<shim>` of a stdlib-only module
// against a fake job server that answers compile/link with the arguments unchanged (plus an
// extra archive member on the main package's compile). With an empty suffix the user's
// GOCACHE serves the standard library, so only the module's own package goes through the shim.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type ToolRequest } from '../../../src/protocol/index.js';
import { buildShim, fakeServer, goEnv, send, tempDir } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const f of cleanup) await f();
});

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('go build -toolexec=<shim> builds and links a working binary through the job server', async () => {
  const dir = tempDir('realgo');
  const shim = buildShim(dir);
  const mod = join(dir, 'mod');
  mkdirSync(mod);
  const nonce = `${process.pid}-${Date.now()}`; // a fresh main package: its compile cannot be cached
  writeFileSync(join(mod, 'go.mod'), 'module example.com/shimtest\n\ngo 1.23\n');
  writeFileSync(join(mod, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("shim test ${nonce}") }\n`);

  const srv = await fakeServer(dir, (msg, sock) => {
    if (msg.t === 'hello') {
      send(sock, { t: 'hello', v: PROTOCOL_VERSION, weft: 'test', ok: true, suffix: '' });
      return;
    }
    const reply: Record<string, unknown> = { t: 'reply', id: msg.id, ok: true, args: msg.args };
    const o = msg.args.indexOf('-o');
    if (msg.tool === 'compile' && msg.args.includes('main') && o >= 0) {
      reply['append'] = [{ archive: msg.args[o + 1], name: 'weft.test', data: Buffer.from(`#weft test ${nonce}\n`) }];
    }
    send(sock, reply);
  });
  cleanup.push(() => srv.close());

  const env = goEnv({ WEFT_SOCKET: srv.socket, WEFT_VERSION_SUFFIX: '' });
  for (const k of Object.keys(env)) if (k.startsWith('WEFT_') && k !== 'WEFT_SOCKET' && k !== 'WEFT_VERSION_SUFFIX') delete env[k];
  const exe = join(dir, 'app');
  const r = await run('go', ['build', `-toolexec=${shim}`, '-o', exe, '.'], env, mod);
  assert.equal(r.code, 0, r.out);
  const out = spawnSync(exe, { encoding: 'utf8' });
  assert.equal(out.stdout, `shim test ${nonce}\n`);

  const tools = srv.received.filter((m): m is ToolRequest => m.t === 'tool');
  const compile = tools.find((m) => m.tool === 'compile' && m.pkg === 'example.com/shimtest');
  assert.ok(compile, `the main package's compile went through the server; got ${tools.map((t) => `${t.tool} ${t.pkg}`).join(', ')}`);
  assert.ok(compile.args.includes('-p') && compile.args[compile.args.indexOf('-p') + 1] === 'main');
  assert.ok(compile.args.some((a) => a.endsWith('/main.go')));
  assert.ok(tools.some((m) => m.tool === 'link'), 'link went through the server');
  rmSync(exe, { force: true });
});
